namespace ClinicMail.Core.Topics;

internal static partial class LexiconSources
{
    /// <summary>The lexicons kept as data files (Topics/Data/*.lex, embedded resources), each with its sources in its
    /// header: the drugs of Canadian primary care by class, and the diagnoses a result sentence may announce.</summary>
    public static IEnumerable<string> DataFiles
    {
        get
        {
            var assembly = typeof(LexiconSources).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".lex", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)
                    ?? throw new InvalidOperationException("Embedded lexicon resource missing.");
                using var reader = new StreamReader(stream);
                yield return reader.ReadToEnd();
            }
        }
    }

    /// <summary>Issue 21: what generalises beyond the words of the development corpus — a dose change of the same drug
    /// against a switch, the short forms clinicians write, news that changes a life, a crisis plan, a message about
    /// someone else's diagnosis, and the everyday senses of clinical words.</summary>
    public const string Generalisation = """
        // Issue 17 item 3: adjusting the dose of a known treatment is the consented use « ajustement d'un traitement », not
        // « nouveau traitement ». Read by TopicRules.NewTreatments: a drug whose nearest verb is one of these is not started.
        @dosechange | augmenter; augmentez; augmente; augmentons; on augmente; monter; montez; monte; montons; on monte; on va monter; diminuer; diminuez; diminue; diminuons; on diminue; diminution; baisser; baissez; baisse; on baisse; réduire; réduisez; réduit; réduisons; on réduit; ajuster; ajustez; ajuste; ajustement; ajustement de dose; ajustement de la dose; passer de; passez de; passe de; passons de; doubler; doublez; prenez maintenant; nouvelle dose; dose plus forte; dose plus faible; même médicament; même produit
        @dosechange | bump; bumping; bump up; increase; increasing; raise; raising; going up; step up; stepping up; step down; bump up; lower; lowering; reduce; reducing; decrease; decreasing; cut back; cut down; cut the; titrate; titrating; adjust; adjusting; adjustment; dose adjustment; double; doubling; same medication; same drug; same medicine
        @switchfrom | passer de; passez de; passe de; passons de; on passe de
        // A switch is a new treatment even with dose words around it: one drug replaced by another.
        @start @switch | remplacer; remplace; remplacé; remplacée; remplaçons; on la remplace; on le remplace; change pour; changer pour; on change pour; on change de; changement pour; au lieu de; à la place de; switch; switch to; switching; switched; switching to; replace; replaces; replacing; replaced; instead of; in place of; change to; changing to
        // Short forms of services and specialties (onco, hémato, psy…), hyphenated and English forms inside French mail.
        onc 0.8 | onco; oncolo; hémato-onco; hemato-onco; hem-onc; heme-onc; hémato-oncologie; hemato-oncology; hematology-oncology; neuro-onco; neuro-oncologie; neuro-oncology; neuro-oncologue; onco-hémato; radio-onco; clinique d'onco; pharmacie d'onco; oncology pharmacy; onc clinic
        onc 0.8 case | IPO; IPSO
        onc 0.7 case | onc
        onc 0.55 weak | hémato; hemato; heme; hem; hématologue; hematologist; biopsie de moelle; bone marrow biopsy; moelle osseuse; bone marrow
        mh 0.75 | psy; psys; ta psy; votre psy; la psy; le psy; psych; psych appointment; psychiatric nurse; infirmière en santé mentale; santé mentale jeunesse; équipe de psychiatrie; psychiatry team
        mh 0.8 | plan de crise; crisis plan; plan d'intervention de crise
        // A safety plan is also written for domestic violence: mental health only with another cue.
        mh 0.55 weak | plan de sécurité; safety plan; plan de sécurité personnel
        mh 0.9 neg @disease @clinical | anti-dépresseur; anti-dépresseurs; anti-depressant; anti-depressants; dépression post partum; post-partum depression; TDAH de type inattentif; ADHD inattentive type; trouble de déficit de l'attention
        // A crisis or safety plan is mental health; it is not also "emotional" unless the message carries hard news itself.
        @crisisplan | plan de crise; plan de sécurité; crisis plan; safety plan; plan de sécurité personnel; signes d'alerte; warning signs
        // The event itself (an ER visit after a suicidal crisis, an overdose) is emotional news even beside a plan.
        @crisisevent | visite à l'urgence; votre visite à l'urgence; séjour à l'urgence; rapport de l'urgence; ER report; ER visit; emergency visit; visit to the ER; hospitalisation; hospitalisé; hospitalisée; hospitalized; hospitalised; tentative; attempt; surdose; overdose
        @selfharm | suicide; suicides; tentative de suicide; idées suicidaires; pensées suicidaires; suicidal ideation; suicidal thoughts; idées noires; envie de mourir; thoughts of harming yourself; se faire du mal; safety plan; plan de sécurité; 988; 9-8-8; 1 866 APPELLE; crisis line; ligne de crise
        // « Diagnostic ou traitement ayant une forte charge émotive » (seed 000) also covers news that changes a life
        // without an emotional word: protection and legal proceedings, placement, loss of autonomy, pregnancy loss,
        // grave hereditary or prenatal results, a violent event.
        emo 0.85 | signalement à la DPJ; signalement au DPJ; Directeur de la protection de la jeunesse; protection de la jeunesse; DPJ; child protection; child protective services; children's aid society; Children's Aid; report to child protection; garde des enfants; garde partagée; audience sur la garde; custody hearing; custody of the children; custody of your children; child custody; régime de protection; tutelle; curatelle; mandat de protection; homologation du mandat; Curateur public; public guardian; Public Guardian and Trustee; guardianship; substitute decision-maker; inaptitude; incapacity assessment
        emo 0.8 | tribunal; le juge; la juge; la cour; rapport pour la cour; devant la cour; ordonnance de la cour; court order; court hearing; the judge; family court; tribunal de la famille; capacités parentales; parenting capacity; visites supervisées; supervised visits; supervised visitation
        emo 0.85 | hébergement en CHSLD; CHSLD; placement en soins de longue durée; long-term care placement; long-term care home; nursing home placement; ne pouvez plus conduire; ne peux plus conduire; ne pourrez plus conduire; retrait du permis; permis suspendu; suspension du permis; can no longer drive; cannot drive anymore; licence suspended; license suspended; driver's licence suspended
        emo 0.85 | fausse couche; fausses couches; miscarriage; miscarriages; perte de grossesse; perte de la grossesse; pregnancy loss; loss of the pregnancy; grossesse s'est arrêtée; la grossesse s'est arrêtée; grossesse non évolutive; pregnancy has stopped; pregnancy stopped developing; stopped developing; mort in utero; mort fœtale; mortinaissance; stillbirth; stillborn; perte du bébé; loss of the baby; lost the baby; grossesse ectopique; ectopic pregnancy; soins intensifs néonataux; néonatalogie; NICU; neonatal intensive care
        emo 0.8 | clarté nucale augmentée; increased nuchal translucency; risque élevé de trisomie; high risk for trisomy; high risk of trisomy; médecine fœtale; fetal medicine; amniocentèse; amniocentesis; mutation BRCA; mutation BRCA1; mutation BRCA2; BRCA1 mutation; BRCA2 mutation; porteur de la mutation; porteuse de la mutation; carry the gene; carrier of the gene; porteur du gène; porteuse du gène; gène de la maladie; conseiller en génétique; conseillère en génétique; genetic counsellor; genetic counselor; aide médicale à mourir; medical assistance in dying; assisted dying
        emo 0.8 case | BRCA1; BRCA2; BRCA; NICU
        emo 0.85 | agression; agressions; agressé; agressée; agressée sexuellement; assault; assaulted; sexually assaulted; violence subie; violence que vous avez subie; la violence que vous avez subie; victime; victimes; victim; victims; victim support; aide aux victimes; CAVAC; CALACS; centre désigné; sexual assault centre; sexual assault center
        emo 0.6 weak | ce qui vous est arrivé; ce qui t'est arrivé; chances de grossesse; chances of pregnancy; déchirante; heartbreaking; un choc; a shock; bouleverse; overwhelming
        // Someone else's diagnosis (a partner notification): not a new diagnosis for the reader.
        @thirdparty | quelqu'un avec qui; personne avec qui; partenaire sexuel récent; partenaire sexuelle récente; l'un de vos partenaires; someone you; someone with whom; a partner; a recent partner; a recent sexual partner; sexual partner; qu'elle avait; qu'il avait; vous a nommé; vous a nommée; t'a nommé; t'a nommée; named you; listed you; as a contact; comme contact; a reçu un diagnostic; received a diagnosis; has been diagnosed; was diagnosed; a été diagnostiqué; a été diagnostiquée
        // Taper plans of a benzodiazepine or an opioid: starting the plan is a treatment (development corpus).
        tx 0.8 | plan pour diminuer; plan pour réduire; plan to taper; plan to reduce; plan to come off; diminuer graduellement; diminuer très graduellement; réduire très graduellement; taper slowly; taper gradually
        @taper | réduire; réduisez; réduit; on réduit; réduisons; diminuez; diminue; on diminue; baisser; baissez; reduce; reducing; decrease; lower; cut back; step down
        // The ordinary course of an ongoing treatment.
        @renewal | comme d'habitude; comme d'hab; comme avant; comme prévu; comme convenu au plan; as usual; as before; as you have been; as planned; habituellement; d'habitude; habituel; habituelle; usual; se passe bien; is going well; going well
        @hedge | possibilité; la possibilité de; possibility; the possibility of; l'option de; the option of
        @fundraising | marche pour; une marche pour; walk for; walkathon
        @announce @abnormal | réactif; réactive; est réactif; est revenu réactif; revenue réactive; reactive; came back reactive; is reactive
        @normal | non réactif; non réactive; non-réactif; non-réactive; non-reactive; nonreactive
        sub 0.8 neg @clinical | verres de vin par soir; verres par soir; verres par jour; consommations par jour; consommations par semaine; consommations par soir; drinks a week; drinks per week; drinks a day; drinks per day; drinks a night; drinks per night; bières par soir; bières par jour; beers a night; beers a day
        @renewal | prolongé; prolonger; prolongation; prolongé vos; extended; extend; extending
        emo 0.8 | résultats de l'autopsie; rapport d'autopsie; autopsy results; autopsy report
        onc 0.8 neg @clinical | masse au pancréas; masse pancréatique; pancreatic mass; mass in the pancreas; masse rénale; renal mass; kidney mass; masse ovarienne; ovarian mass; masse pulmonaire; lung mass; mass in the lung; masse au sein; breast mass; masse hépatique; liver mass; masse suspecte au
        // Taking a prescribed drug: a start when nothing renews or adjusts it.
        @startweak @take | prenez; prends; take; appliquez; applique; apply; mettez; mets; donnez; donne; give; utilisez; use
        // CBT for insomnia, physiotherapy, an infiltration, a device: therapies a start verb can start, none psychiatric.
        @item @clinical | thérapie cognitivo-comportementale pour l'insomnie; thérapie cognitivo-comportementale de l'insomnie; TCC pour l'insomnie; TCC-I; CBT-I; CBT for insomnia; cognitive behavioural therapy for insomnia; cognitive behavioral therapy for insomnia; infiltration; infiltration de cortisone; injection de cortisone; cortisone injection; steroid injection; physiothérapie; physiotherapy; CPAP; appareil CPAP; appareil à pression positive; PPC
        tx 0.75 @item @clinical | pose de stérilet; pose du stérilet; insertion de stérilet; IUD insertion; insertion of the IUD
        @start | essayer; essayez; on essaie; on va essayer; essaie; try; let's try; trying; on ajoute; je vous propose de commencer
        @startweak | propose; proposer; je vous propose; suggest
        @renewal | gardez; garde; on garde; gardons; keep; keeping
        @taper | réduire; réduisez
        // Someone else: a partner's diagnosis.
        sex 0.8 @clinical | your partner notification; partner notification card; partner notification cards
        @thirdparty | a person you; person you had sex with; someone you had sex with; votre partenaire; ton partenaire; ta partenaire; vos partenaires; tes partenaires; your partner; your partners
        // A relative's illness (family history) is not the reader's.
        @relative | votre mère; votre père; votre sœur; votre frère; votre grand-mère; votre grand-père; votre tante; votre oncle; ta mère; ton père; ta sœur; ton frère; your mother; your father; your sister; your brother; your grandmother; your grandfather; your aunt; your uncle; his mother; her mother; his father; her father; antécédents familiaux; family history
        // A cancer named as a risk, a program or a campaign is not the patient's.
        @risk | risque de; risque d'; risques de; risque élevé de; risque accru de; augmente le risque de; risk of; risks of; higher risk of; increased risk of; raises the risk of; high risk of
        @fundraising | programme de dépistage; programmes de dépistage; screening program; screening programme; cancer screening program; fondation; foundation; conférence; conference; campagne de sensibilisation; awareness campaign; Relay for Life; Relais pour la vie
        // « Troubles de santé mentale »: wanting to end one's life, said without the word suicide.
        mh 0.9 @clinical | penser à en finir; pense à en finir; en finir avec la vie; ending your life; end your life; ending my life; kill yourself; killing yourself; vous enlever la vie; s'enlever la vie; vous tuer
        emo 0.85 cond @selfharm | penser à en finir; pense à en finir; en finir avec la vie; ending your life; end your life; ending my life; kill yourself; killing yourself; vous enlever la vie; s'enlever la vie; vous tuer
        emo 0.85 | perte de votre grossesse; perte de ta grossesse; loss of your pregnancy; perte de votre bébé; loss of your baby
        @grave | infertilité; infertility; azoospermie; azoospermia; insuffisance ovarienne prématurée; premature ovarian insufficiency
        @stop | sevrage du café; sevrage de caféine; sevrage de la caféine; caffeine withdrawal; sevrage du sucre
        // « C'est un zona »: an announcement only right before the disease (TopicRules: two words).
        @announcenear | c'est un; c'est une; c'était un; c'était une; this is a; these are
        @announce | a vu; a vu une; a vu un; on voit; on a vu; saw; we saw; was seen; seen on; va dans le sens de; vont dans le sens de; vont dans le sens d'une; suggère; suggèrent; suggests; suggestive of; évoque; évocateur de
        // Everyday senses (the weather, the zodiac, a machine that dies, a laugh).
        @weather | système dépressionnaire; low-pressure system; low pressure system; passe sur le Québec; passera sur le Québec; Grands Lacs; Great Lakes; MétéoMédia; Weather Network
        @astrology | horoscope; horoscopes; astrologie; astrology; zodiaque; zodiac; signe astrologique; star sign; I'm a Cancer; du signe du Cancer; Cancer sign; signe du Cancer
        @stop | killer; fou rire; crise de fou rire; dying to; pot luck; potluck; movie screening; screening night; bus terminal; airport terminal; virus informatique; computer virus; caught a virus; a attrapé un virus; attrapé un virus
        // Things beside which death, addiction and overdose words are figurative (CueFlags.Literal in TopicRules): machines
        // and devices, food and drink of everyday habit, parts of a building, pastimes.
        @object | machine; machines; fax; télécopieur; serveur; server; système; system; imprimante; printer; ordinateur; computer; portable; laptop; tablette; tablet; iPad; téléphone; phone; cellulaire; cell; iPhone; batterie; battery; pile; piles; moteur; engine; écran; screen; clavier; keyboard; souris; mouse; routeur; router; modem; logiciel; software; app; application; réseau; network; internet; Wi-Fi; wifi; site web; website; frigo; réfrigérateur; fridge; fournaise; furnace; laveuse; washer; lave-vaisselle; dishwasher; plante; plantes; plant; plants; fleurs; flowers; café; coffee; caféine; caffeine; chocolat; chocolate; sucre; sugar; bonbons; candy; thé; tea; Netflix; série; séries; jeux vidéo; video games; magasinage; shopping; mur; murs; wall; walls; plafond; ceiling; plancher; floor; trottoir; sidewalk; pare-brise; windshield; tasse; mug; vase
        @idiom | de rire; of laughter; laughing; laugh; de fatigue; of boredom; d'ennui; de faim; of hunger; de honte; of embarrassment
        // Words one letter away from a lexicon term, in their own sense: an exact word is never read as a typo.
        @everyday | cancel; cancels; cancelled; canceled; cancelling; canceling; dancer; dancers; answer; chimie; chimique; rumeur; rumeurs; tuteur; tuteurs; tutrice; heroine; heroines; émission; émissions; emission; emissions; bonne humeur; Cancún; Cancun; hépatologue; hépatologues; hépatologie; hepatologist; hepatologists; hepatology
        """;
}

namespace ClinicMail.Core.Topics;

internal static partial class LexiconSources
{
    /// <summary>« Diagnostic ou traitement ayant une forte charge émotive » (seed 000): death and grief,
    /// pregnancy loss, end of life and palliative care (corpus rule), violence and abuse, suicide.</summary>
    public const string Emotional = """
        emo 0.9 | décès; décédé; décédée; est décédé; est décédée; deceased; passed away; death of; mort de votre; condoléances; condolences; sympathies; mes sympathies; sincères sympathies; deepest sympathy; sincere sympathy; deepest sympathies; deuil; deuils; deuil périnatal; endeuillé; endeuillée; endeuillés; endeuillées; bereavement; bereaved; grieving; grief; mourning; fausse couche; fausses couches; miscarriage; miscarriages; mortinaissance; mort-né; mort-née; mort in utero; décès périnatal; stillborn; stillbirth; perte de grossesse; perte de votre grossesse; perte de la grossesse; pregnancy loss; perte d'un bébé; perte de votre bébé; perte de votre enfant; loss of your baby; sorry for your loss; désolé pour votre perte; désolée pour votre perte; perte de votre conjoint; perte de votre mère; perte de votre père
        emo 0.9 lit | died
        emo 0.9 | soins palliatifs; soin palliatif; palliatif; palliative; palliatifs; palliative care; maison de soins palliatifs; hospice; fin de vie; soins de fin de vie; end of life; end-of-life; niveau de soins; niveaux de soins; niveau d'intervention médicale; level of care; levels of care; goals of care; objectifs de soins; ordonnance de non-réanimation; non-réanimation; ne pas réanimer; do not resuscitate; do-not-resuscitate; soins de confort; comfort care; aide médicale à mourir; medical assistance in dying; medically assisted dying; assisted dying; directives médicales anticipées; advance directives; advance directive; phase terminale; stade terminal; terminally ill; terminal illness; maladie terminale; pronostic réservé; weeks to live; months to live; time you have left; temps qu'il vous reste; espérer une guérison; no longer curable; plus curable
        emo 0.85 case | AMM; MAID; DNR; DMA
        emo 0.9 | violence conjugale; violences conjugales; violence familiale; domestic violence; intimate partner violence; family violence; maltraitance; maltraité; maltraitée; elder abuse; child abuse; abus envers les aînés; maltraitance envers les aînés; abus financier; financial abuse; agression sexuelle; agressions sexuelles; sexual assault; viol; rape; victime d'agression; victimes d'agression; CALACS; SOS violence conjugale; maison d'hébergement; maisons d'hébergement; women's shelter; DPJ; protection de la jeunesse; child protection
        emo 0.85 cond | suicide; suicides; tentative de suicide; tentatives de suicide; suicide attempt; attempted suicide; idées suicidaires; pensées suicidaires; suicidal ideation; suicidal thoughts; automutilation; se mutile; se mutiler; scarification; se scarifie; self-harm; self harm; self-harming; cutting herself; cutting himself; cutting themselves; cutting yourself
        emo 0.8 cond | idées noires; envie de mourir; wanting to die; want to die; thoughts of harming yourself; se faire du mal
        emo 0.75 | avortement; interruption de grossesse; interruption volontaire de grossesse; abortion; termination of pregnancy; anomalie foetale; anomalie fœtale; fetal anomaly; trisomie 21; Down syndrome
        emo 0.75 case | IVG
        emo 0.55 weak | nouvelle dévastatrice; dévastatrice; dévastateur; devastating; devastating news; mauvaise nouvelle; mauvaises nouvelles; bad news; difficile à entendre; hard to hear; bouleversant; bouleversante; upsetting; frightening news; autopsie; autopsy; passing; your loss; votre perte; abus; abuse; plan de sécurité; safety plan; shelter; weeks rather than months
        """;
}

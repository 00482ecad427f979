// Everyday senses of clinical words and the administrative wording of clinic mail (detB21 round, issue 21): the context
// words that tell TopicRules a clinical-looking word is used in its everyday sense. Same line format as LexiconSources.
// Written from general usage (Office québécois de la langue française, Grand dictionnaire terminologique; Oxford and
// Merriam-Webster senses of "positive", "depression", "weed", "Cancer"), not from any message. A phrase here wins over
// its single words (longest match) or marks the sentence for a rule (@fundraising: an event announcement; @weather;
// @astrology; @object: a thing beside a figurative word).
//
// Hospitality at an event: the beer and wine of an invitation are not anyone's drinking (a sentence-level context, like
// a fund-raiser's: TopicRules.CategoryCues skips its cues).
@fundraising | 5 à 7; cinq à sept; vin d'honneur; vin et fromage; vins et fromages; wine and cheese; dégustation de vin; dégustation de vins; wine tasting; happy hour; souper des fêtes; party de Noël; party des fêtes; fête de Noël; fête de fin d'année; holiday party; Christmas party; office party; staff party; retirement party; end-of-year party; farewell party; open house; portes ouvertes; cocktail dînatoire; soirée-bénéfice; benefit gala; you're invited; vous êtes invités; vous êtes invitées; êtes conviés; are invited to
// Weather and climate: a "depression" moving along a coast is a low.
@weather | stock market; stock markets; the market; market; marchés boursiers; marché boursier; la bourse; economy; l'économie; recession; récession; coast; coastline; coastal; côte est; littoral; forecast; forecasts; prévisions météo; low pressure; low-pressure system; basse pression; front froid; cold front; warm front; front chaud; heat wave; canicule; chaleur extrême; heat warning; avertissement de chaleur; froid extrême; extreme cold; tornado; tornade; flood; floods; inondation; inondations; blizzard; poudrerie; freezing rain; pluie verglaçante
// The zodiac: the other signs say the sentence is about astrology ("a Gemini and a Cancer").
@astrology | Gemini; Capricorn; Sagittarius; Aquarius; Scorpio; Aries; Taurus; Virgo; Libra; Pisces; Gémeaux; Capricorne; Sagittaire; Verseau; signe du zodiaque; zodiac sign; birth chart; thème astral; astrologique; astrological; as a Cancer; you're a Cancer; you are a Cancer; typical Cancer; tu es Cancer; t'es Cancer; vous êtes Cancer
// Things beside which "weed", "pot", "addicted" are figurative: gardens, dishes, shows and games.
@object | jardin; jardins; garden; gardens; gardening; jardinage; lawn; pelouse; potager; plates-bandes; flower bed; flower beds; patio; terrasse; balcon; backyard; yard; driveway; trottoir; sidewalk; pot de fleurs; flower pot; plant pot; pot de yogourt; pot de crème; pot de confiture; jar; show; shows; TV show; émission de télé; series; podcast; podcasts; puzzle; puzzles; mots croisés; crossword; crosswords; sudoku; Wordle; jeux vidéo; video games
// Positive in its everyday sense: an attitude, a change, a review, not a test result.
@stop | positive attitude; attitude positive; stay positive; restez positif; restez positive; reste positif; reste positive; pensée positive; positive thinking; positive outlook; positive energy; énergie positive; positive feedback; commentaires positifs; positive review; avis positif; côté positif; positive side; positive note; note positive; positive changes; changements positifs; changement positif; positive change; positive vibes; ondes positives; dose of reality; dose de réalité; dose of humour; dose of humor; dose d'humour; healthy dose of; bonne dose de; went viral; viral video; vidéo virale; vidéos virales; computer bug; software bug; bogue informatique; road trip; day trip; field trip; school trip; high score; high scores; high school; école secondaire
// Words one letter from a clinical term, in their own sense: read exactly, never as a typo.
@everyday | seasonal; seasonally; chemistry; chemist; chemists; chemical; chemicals; chimiste; chimistes; cancelled; cancels; candor; cannery; lancer; lancers; dancing; answerer; heroines; weeds; weeding; weeder; seeds; needs; wedding; weddings; joints; pointe; points; drinker; drinkers; thinker; thinkers; sobering; vapeur; vapeurs; vapour; vapours; vaporisateur; fumée; fumées; fumier; smoker's; herpetologist; syphon; siphon; siphons; gonflé; gonflée; chlamys
// A medication already taken, or a list of them, is not a new prescription.
@renewal | vous prenez déjà; tu prends déjà; you're already taking; you are already taking; already taking; already on; currently taking; currently on; vous prenez actuellement; tu prends actuellement; liste de vos médicaments; liste des médicaments; liste de médicaments; medication list; list of your medications; your medication list; vos médicaments actuels; your current medications
// A dose change said around the drug ("step the Ozempic up", "bump the dose"): not a new drug.
@dosechange | step; stepping; bump; bumping; bumped
// A plural copula right before a disease announces it (« les lésions sont des condylomes »), like « c'est un ».
@announcenear | sont des; ce sont des; they are
// Start verbs of everyday French (« on démarre ») and switches said with « plutôt » / "rather".
@start | démarrer; démarre; démarrons; on démarre; démarrez
@start @switch | prenez plutôt; on prend plutôt; prend plutôt; plutôt le; plutôt la; rather than
// How and when a prescribed dose is taken (TopicRules.NewTreatments reads these beside a named drug).
@schedule | au besoin; as needed; as required; à jeun; on an empty stomach; with meals; aux repas; avec le repas; avec les repas; avant le déjeuner; before breakfast; pendant 2 semaines; pendant 3 semaines; pendant 4 semaines; pendant 6 semaines; pendant 8 semaines; pendant 12 semaines; pendant 3 mois; pendant 6 mois; for 2 weeks; for 3 weeks; for 4 weeks; for 6 weeks; for 8 weeks; for 12 weeks; for 3 months; for 6 months; sous la langue; under the tongue; en une dose; in one dose

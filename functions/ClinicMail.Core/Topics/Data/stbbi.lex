// Sexually transmitted and blood-borne infections (ITSS / STBBI), their tests, prevention and treatment (detB21 round,
// issue 21), French and English, full names and the short forms clinicians write. Same line format as LexiconSources.
// Sources: INSPQ / MSSS Québec « Guide québécois de dépistage des ITSS » and « Guides d'usage optimal — ITSS »;
// Public Health Agency of Canada, Canadian Guidelines on Sexually Transmitted Infections; ICD-10-CA A50–A64, B20–B24.
// Contraception and pregnancy are not sexual_health in the corpus rules (tests/data/corpus/README.md): not listed here.
//
// class: infections and syndromes
sex 0.95 neg @disease @clinical | chlamydia trachomatis; infection à chlamydia; infection à Chlamydia trachomatis; Neisseria gonorrhoeae; infection gonococcique; gonococcal infection; gonorrhée pharyngée; gonorrhée rectale; pharyngeal gonorrhea; rectal gonorrhea; syphilis primaire; syphilis secondaire; syphilis latente; syphilis tertiaire; syphilis précoce; syphilis tardive; primary syphilis; secondary syphilis; latent syphilis; early syphilis; neurosyphilis; syphilis congénitale; congenital syphilis; chancre syphilitique; Treponema pallidum; lymphogranulome vénérien; lymphogranuloma venereum; Mycoplasma genitalium; M. genitalium; Trichomonas vaginalis; urétrite gonococcique; urétrite non gonococcique; non-gonococcal urethritis; nongonococcal urethritis; cervicite à chlamydia; atteinte inflammatoire pelvienne; atteinte inflammatoire pelvienne aiguë; pelvic inflammatory disease; épididymite à chlamydia; infection au VIH; HIV infection; VIH-1; HIV-1; infection aiguë au VIH; acute HIV infection; hépatite B chronique; chronic hepatitis B; hépatite C chronique; chronic hepatitis C; hépatite B aiguë; hépatite C aiguë; condylomes acuminés; condylomata acuminata; verrues anales; anal warts; herpès anogénital; anogenital herpes; mpox; variole simienne; variole du singe; monkeypox
sex 0.9 neg case @disease @clinical | AIP; PID
// « PPrE » folds to "pre" (doubled letters collapse): it counts only written in capitals, like PrEP.
sex 0.9 case @drug @item @clinical | PPrE
// class: tests (a plainly negative panel stays clean: the normal-result rule reads them). A test named after its
// infection (« sérologie de la syphilis ») is left to the infection's own name, which the announcement rule reads.
sex 0.8 neg @clinical | NAAT; test d'amplification des acides nucléiques; nucleic acid amplification test; CT/NG
// class: prevention, partner services, clinics
sex 0.9 @item @clinical | PrEP-VIH; HIV PrEP; PrEP for HIV; PrEP à la demande; on-demand PrEP; event-based PrEP; PrEP 2-1-1; prophylaxie post-exposition au VIH; PPE-VIH; HIV PEP; nPEP; doxyPEP; doxy-PEP; doxy PEP; doxycycline post-exposition; doxycycline post-exposure prophylaxis
sex 0.8 @clinical | notification aux partenaires; notification des partenaires sexuels; partner services; expedited partner therapy; traitement accéléré des partenaires; traitement des partenaires; partner treatment; contact tracing for STI; recherche des contacts; partenaires sexuels des 60 derniers jours; partners from the last 60 days; partenaires des 2 derniers mois; sexual partners in the last; clinique SIDEP; Clinique l'Actuel; Clinique OPUS; Portail VIH/sida du Québec; REZO; CATIE
// class: STBBI-specific treatments beside those of LexiconSources.SexualHealth
sex 0.85 @drug @item @clinical | pénicilline G benzathine; benzathine penicillin G; Extencilline; Lentocilin; Biktarvy; Cabenuva; Vocabria; lénacapavir; lenacapavir; Sunlenca; Yeztugo; ténofovir alafénamide; tenofovir alafenamide; ténofovir disoproxil; tenofovir disoproxil; emtricitabine-ténofovir; emtricitabine/ténofovir; emtricitabine-tenofovir; emtricitabine/tenofovir; entécavir; entecavir; Baraclude; Vemlidy; Viread
// class: slang and ectoparasites passed on during sex
sex 0.9 neg @disease @clinical | chaude-pisse; chaudepisse; the clap; morpions; poux du pubis; pubic lice; crab lice
// Herpes and discharge in their non-sexual senses: a longer phrase wins over the weak single word (« herpès », "discharge",
// "swab"), so a cold sore, shingles, a nasal swab or a hospital discharge never confirm one another as sexual health.
@disease @clinical | herpès zoster; herpes zoster; zoster; herpès labial; herpes labialis; feu sauvage; feux sauvages; bouton de fièvre; boutons de fièvre; cold sore; cold sores; fever blister; herpès oculaire; ocular herpes
@clinical | hospital discharge; discharge from hospital; discharged from hospital; discharged from the hospital; discharge home; discharge planning; discharge date; date de congé; écoulement nasal; nasal discharge; runny nose; écoulement de l'oreille; ear discharge; écoulement du mamelon; nipple discharge; wound discharge; écoulement de la plaie; écouvillon de plaie; wound swab; écouvillon nasal; nasal swab; écouvillon de gorge; throat swab; écouvillon nasopharyngé; nasopharyngeal swab; COVID swab; écouvillon COVID; strep swab

// Demo addresses and messages for the sandbox presets and the browser tests, in ONE place so
// they can be aligned with the backend's demo registry (docs/demo-registry.md) by editing this
// file only. Values follow the check API contract; none is a real person.

export const demo = {
  physician: { address: "dre.tremblay@cliniquedemo.med", name: "Dre Isabelle Tremblay" },
  colleague: { address: "dr.lavoie@cliniquedemo.med", name: "Dr Marc Lavoie" },
  /** Patients with recorded consent to e-mail, registered personal addresses. */
  consentedPatients: [
    { address: "jf.gagnon@gmail.com", name: "Jean-François Gagnon" },
    { address: "marie.tremblay@videotron.ca", name: "Marie Tremblay" },
    { address: "david.smith@example.com", name: "David Smith" },
  ],
  /** A near miss of the first consented patient's address (typo in the domain). */
  lookalike: { address: "jf.gagnon@gmial.com", resembles: "jf.gagnon@gmail.com" },
  messages: {
    benign: {
      subject: "Rendez-vous de suivi",
      body: "Bonjour Monsieur Gagnon,\n\nVotre rendez-vous de suivi est confirmé pour le mardi 14 octobre à 9 h 30.\n\nCordialement,\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100",
    },
    sensitive: {
      subject: "Résultats",
      body: "Bonjour Monsieur Gagnon,\n\nVos résultats de dépistage ITSS sont arrivés : le test de chlamydia est positif. Nous devons aussi discuter de votre dépression et de l'ajustement de votre antidépresseur.\nVotre numéro d'assurance maladie : GAGJ 8503 1234.\n\nCordialement,\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100",
    },
    bulk: {
      subject: "Fermeture de la clinique le 24 juin",
      body: "Bonjour,\n\nLa clinique sera fermée le 24 juin. Pour toute urgence, composez le 911 ou présentez-vous à l'urgence.\n\nCordialement,\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100",
    },
    lookalike: {
      subject: "Rendez-vous",
      body: "Bonjour Monsieur Gagnon,\n\nPouvez-vous me rappeler pour fixer votre prochain rendez-vous ?\n\nCordialement,\nDre Isabelle Tremblay, M.D.\nMédecine familiale\n514 555-0100",
    },
  },
} as const;

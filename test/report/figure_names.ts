// The report's figures, in page order: the names tests expect (a renamed or dropped figure fails them).

/** The data figures (model-independent). */
export const DATA_FIGURES = ["a1_examples", "a2_tsne_labels", "a3_tsne_agreement"];

/** The figures of results: one row per model. */
export const RESULT_FIGURES = [
  "b_erm",
  "c_methods",
  "c2_kinds",
  "d1_strength_rho",
  "d2_strength_amplitude",
  "e_heldout_size",
  "e2_group_labels",
  "f1_afr_gamma",
  "f2_afr_confidence",
  "g_worst_group",
];

/** Every figure, in the order the page shows them. */
export const FIGURE_NAMES = [...DATA_FIGURES, ...RESULT_FIGURES];

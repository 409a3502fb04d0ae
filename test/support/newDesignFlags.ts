/**
 * The flags file of the apps that run the packed package in real runtimes (test/migration,
 * test/edge, the edge bench): one flag, `new_design`, whose two variations split visitors 50/50.
 */
export const NEW_DESIGN_KEY = 'new_design';

/** The dev server's YAML of {@link NEW_DESIGN_KEY} (see README, "Flags in YAML"). */
export const NEW_DESIGN_YAML = `
realTimeUpdate: false
consent: notRequired
flags:
  ${NEW_DESIGN_KEY}:
    variations:
      off: {}
      on: {}
    rules:
      - experiment:
          off: 50
          on: 50
        name: new-design-ab
`;

/** The service's validated configuration, for providers that read its knobs. */
export const ORGAN_REGISTRY_CONFIG = Symbol('ORGAN_REGISTRY_CONFIG');
/** The StreamAnchorer of the registry's facts (consent hashes, match runs). */
export const FACT_ANCHORER = Symbol('FACT_ANCHORER');

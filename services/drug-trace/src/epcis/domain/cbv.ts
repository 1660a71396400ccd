/** CBV 2.0 vocabularies: a bare word ("shipping") or a CBV 1.x URN as its Web URI (the form the event hash uses). */
export type CbvVocabulary = 'BizStep' | 'Disp' | 'BTT' | 'SDT' | 'ER';

const URN_PREFIX: Record<CbvVocabulary, string> = {
  BizStep: 'urn:epcglobal:cbv:bizstep:',
  Disp: 'urn:epcglobal:cbv:disp:',
  BTT: 'urn:epcglobal:cbv:btt:',
  SDT: 'urn:epcglobal:cbv:sdt:',
  ER: 'urn:epcglobal:cbv:er:',
};
const WEB = 'https://ref.gs1.org/cbv/';

export function cbvUri(vocabulary: CbvVocabulary, value: string): string {
  const urn = URN_PREFIX[vocabulary];
  if (value.startsWith(urn)) return `${WEB}${vocabulary}-${value.slice(urn.length)}`;
  if (/^[a-z_]+$/.test(value)) return `${WEB}${vocabulary}-${value}`;
  return value;
}

/** The bare CBV word of a value given as a word, a CBV 1.x URN or a CBV 2.0 Web URI ("shipping"). */
export function cbvWord(vocabulary: CbvVocabulary, value: string): string {
  const web = `${WEB}${vocabulary}-`;
  if (value.startsWith(web)) return value.slice(web.length);
  if (value.startsWith(URN_PREFIX[vocabulary])) return value.slice(URN_PREFIX[vocabulary].length);
  return value;
}

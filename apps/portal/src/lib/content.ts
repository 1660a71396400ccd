/** What a gatekeeper read answers: the FHIR resource as stored, or a file's bytes (base64) with its description. */
export interface ReadResult {
  recordId: string;
  auditId: string;
  basis: string;
  category: string;
  title: string | null;
  contentHash: string;
  resource?: Record<string, unknown>;
  documentReference?: Record<string, unknown>;
  contentType?: string;
  data?: string;
}

export interface Content {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  extension: string;
  author?: string;
  resource?: Record<string, unknown>;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/plain': 'txt',
};

function authorOf(resource: Record<string, unknown> | undefined): string | undefined {
  if (!resource) return undefined;
  for (const key of ['performer', 'author', 'recorder', 'requester', 'asserter']) {
    const v = resource[key] as { display?: string } | Array<{ display?: string }> | undefined;
    const first = Array.isArray(v) ? v[0] : v;
    if (first?.display) return first.display;
  }
  return undefined;
}

/**
 * The record's bytes as the service holds them: a file's bytes exactly; a FHIR resource as its stored JSON (the
 * service keeps RFC 8785 canonical JSON, which JSON.stringify of the parsed value reproduces for FHIR's keys).
 */
export function contentOf(r: ReadResult): Content {
  if (r.data !== undefined) {
    const ct = r.contentType ?? 'application/octet-stream';
    return {
      bytes: Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0)),
      contentType: ct,
      extension: EXTENSIONS[ct] ?? 'bin',
      author: authorOf(r.documentReference),
      resource: r.documentReference,
    };
  }
  return {
    bytes: new TextEncoder().encode(JSON.stringify(r.resource)),
    contentType: 'application/fhir+json',
    extension: 'json',
    author: authorOf(r.resource),
    resource: r.resource,
  };
}

/** A short readable view: the resource's text, code and values rather than raw JSON where they exist. */
export function readableSummary(c: Content): string {
  const r = c.resource ?? {};
  const lines: string[] = [];
  const code = r.code as { text?: string; coding?: Array<{ display?: string }> } | undefined;
  if (code?.text || code?.coding?.[0]?.display) lines.push(String(code.text ?? code.coding?.[0]?.display));
  const conclusion = r.conclusion ?? r.description;
  if (conclusion) lines.push(String(conclusion));
  const value = r.valueQuantity as { value?: number; unit?: string } | undefined;
  if (value?.value !== undefined) lines.push(`${value.value} ${value.unit ?? ''}`.trim());
  if (c.contentType !== 'application/fhir+json')
    lines.push(`A file (${c.contentType}, ${c.bytes.length} bytes): download it to open it.`);
  return lines.length ? lines.join('\n') : 'This record has no summary. Download it to see everything in it.';
}

export function downloadBytes(bytes: Uint8Array<ArrayBuffer>, type: string, filename: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type }));
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'record';

export function downloadContent(c: Content, title: string, date: string) {
  downloadBytes(c.bytes, c.contentType, `${slug(title)}-${date.slice(0, 10)}.${c.extension}`);
}

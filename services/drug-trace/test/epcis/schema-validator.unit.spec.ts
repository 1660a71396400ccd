import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EpcisSchemaValidator } from '../../src/epcis/schema-validator.js';

const examples = join(import.meta.dirname, '../fixtures/epcis/examples');
const validator = new EpcisSchemaValidator();
const doc = (events: unknown[]) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2027-01-01T00:00:00Z',
  epcisBody: { eventList: events },
});
const event = {
  type: 'ObjectEvent',
  eventTime: '2027-01-01T10:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: ['urn:epc:id:sgtin:9521234.054321.S1'],
  action: 'OBSERVE',
  bizStep: 'shipping',
};

describe('EPCIS 2.0 JSON Schema (GS1, vendored)', () => {
  it.each(readdirSync(examples))('accepts the standard example %s', (file) => {
    expect(validator.problems(JSON.parse(readFileSync(join(examples, file), 'utf8')))).toEqual([]);
  });

  it('accepts a minimal document', () => {
    expect(validator.problems(doc([event]))).toEqual([]);
  });

  it('names the field and the rule of a bad action', () => {
    const problems = validator.problems(doc([{ ...event, action: 'ADDED' }]));
    expect(problems).toContainEqual(expect.objectContaining({ field: '/epcisBody/eventList/0/action', rule: 'enum' }));
  });

  it('refuses an event without eventTimeZoneOffset', () => {
    const { eventTimeZoneOffset: _, ...bad } = event;
    const problems = validator.problems(doc([bad]));
    expect(problems).toContainEqual(expect.objectContaining({ field: '/epcisBody/eventList/0', rule: 'required' }));
  });

  it('refuses a malformed eventTime', () => {
    const problems = validator.problems(doc([{ ...event, eventTime: 'yesterday' }]));
    expect(problems.map((p) => p.field)).toContain('/epcisBody/eventList/0/eventTime');
  });
});

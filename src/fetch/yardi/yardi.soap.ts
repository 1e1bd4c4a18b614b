import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { isObject } from '../../normalise/normalise';
import { VendorAccessDeniedError, VendorAuthError, VendorRequestError } from '../adapter/vendor-http';
import { YARDI_SERVICE } from './yardi.facts';
import { textOf } from '../../platform/text/text-of';

const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: true });

// Every value stays text (ids such as "0012" and amounts such as "1200.00" keep their form); attributes as `@Name`.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
});

/** A SOAP 1.1 request; `params` in the WSDL's order, since ASMX reads parameters in sequence. */
export function soapEnvelope(method: string, params: Record<string, string>): string {
  const body = { [method]: { '@xmlns': YARDI_SERVICE.namespace, ...params } };
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ 'soap:Envelope': { '@xmlns:soap': SOAP_ENVELOPE_NS, 'soap:Body': body } })}`;
}

/** An XML list as an array: one element parses as an object, none as undefined or an empty string. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The document inside `<{method}Result>` of a SOAP answer. Throws for both of Yardi's error forms: a SOAP
 * Fault, and a normal answer whose document is `<Messages><Message messageType="Error">`.
 */
export function readSoapResult(method: string, xml: unknown, status: number): Record<string, any> {
  let parsed: Record<string, any>;
  try {
    parsed = parser.parse(textOf(xml ?? ''), true);
  } catch (error) {
    throw new VendorRequestError(
      `${method}: the answer (HTTP ${status}) is not XML: ${(error as Error).message}`,
      status,
      false,
    );
  }
  const body = parsed.Envelope?.Body;
  if (!isObject(body))
    throw new VendorRequestError(`${method}: the answer (HTTP ${status}) is not a SOAP envelope`, status, false);
  if (body.Fault !== undefined) throw yardiError(method, status, `SOAP Fault: ${faultText(body.Fault)}`);
  const result = body[`${method}Response`]?.[`${method}Result`];
  if (!isObject(result))
    throw new VendorRequestError(`${method}: the answer has no ${method}Result document`, status, false);
  const errors = asList(result.Messages?.Message).filter((m) => isObject(m) && m['@messageType'] === 'Error');
  if (errors.length > 0)
    throw yardiError(
      method,
      status,
      errors.map((m) => textOf((m as Record<string, unknown>)['#text'] ?? '')).join('; '),
    );
  return result;
}

function faultText(fault: unknown): string {
  if (!isObject(fault)) return String(fault);
  return [fault.faultcode, fault.faultstring].filter((part) => typeof part === 'string' && part !== '').join(' ');
}

const BUSY = /busy|timeout|timed out|deadlock|try again/i;
const LOGIN_REFUSED =
  /invalid (user|password|login|credential)|not authori[sz]ed|access (is )?denied|authentication|login failed/i;
/** The login is fine but the interface entity or license does not cover this call ("Invalid Interface Entity or License"). */
const INTERFACE_REFUSED = /interface|entity|licen[cs]e/i;

/**
 * Yardi names what went wrong only in words: a busy database is retried; refused credentials and an
 * interface the license does not cover are not, the latter a denied call. Login words are checked first: a
 * login failure may name a database whose name holds a licence word.
 */
function yardiError(method: string, status: number, message: string): Error {
  if (BUSY.test(message)) return new VendorRequestError(`${method}: ${message}`, status, true);
  if (LOGIN_REFUSED.test(message)) return new VendorAuthError(`${method}: Yardi refused the credentials: ${message}`);
  if (INTERFACE_REFUSED.test(message))
    return new VendorAccessDeniedError(`${method}: Yardi refused the interface: ${message}`, status);
  return new VendorRequestError(`${method}: ${message}`, status, false);
}

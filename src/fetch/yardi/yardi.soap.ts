import { XMLBuilder } from 'fast-xml-parser';
import { isObject } from '../../normalise/normalise';
import { VendorAccessDeniedError, VendorAuthError, VendorRequestError } from '../adapter/vendor-http';
import type { YardiCredentials } from './yardi.credentials';
import { YARDI_SERVICE } from './yardi.facts';
import { textOf } from '../../platform/text/text-of';
import { readXml, XmlSyntaxError } from './yardi.xml-reader';

const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: true });

/**
 * A SOAP 1.1 request to one interface (Resident Transactions unless named); `params` in the WSDL's order, since
 * ASMX reads parameters in sequence. A string value is sent as escaped text (an import's XML document too).
 */
export function soapEnvelope(
  method: string,
  params: Record<string, string>,
  namespace: string = YARDI_SERVICE.namespace,
): string {
  const body = { [method]: { '@xmlns': namespace, ...params } };
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build({ 'soap:Envelope': { '@xmlns:soap': SOAP_ENVELOPE_NS, 'soap:Body': body } })}`;
}

/** The seven credential parameters every call takes (and a method's YardiPropertyId), in the WSDLs' order. */
export function credentialParams(c: YardiCredentials, yardiPropertyId?: string): Record<string, string> {
  return {
    UserName: c.username,
    Password: c.password,
    ServerName: c.serverName,
    Database: c.database,
    Platform: c.platform,
    ...(yardiPropertyId === undefined ? {} : { YardiPropertyId: yardiPropertyId }),
    InterfaceEntity: c.entity,
    InterfaceLicense: c.license,
  };
}

/** An Error `<Message>` that is Yardi's verdict on the request itself (a validation error): nothing was done. */
export class YardiMessageError extends VendorRequestError {}

/** An XML list as an array: one element parses as an object, none as undefined or an empty string. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A SOAP Fault that neither refuses the credentials nor the interface (a deadlock, an unhandled exception): unlike
 * an Error in `<Messages>`, it does not say whether a write was done (docs/vendors/models.md §2).
 */
export class YardiSoapFaultError extends VendorRequestError {}

/** The records of a read: the elements at `path` below `<{method}Result>`, each handed over as it closes. */
export interface SoapRecords {
  path: readonly string[];
  onRecord: (element: unknown) => void;
}

/**
 * The document inside `<{method}Result>` of a SOAP answer (yardi.xml-reader.ts: every value text, so ids such as
 * "0012" and amounts such as "1200.00" keep their form; attributes as `@Name`); with `records`, less the elements
 * at their path, handed to `onRecord` instead. Throws for a document that is not well-formed (one cut short
 * too), and for both of Yardi's error forms: a SOAP Fault, and a normal answer whose document is
 * `<Messages><Message messageType="Error">`. Records handed over before such an error are not the answer's.
 */
export function readSoapResult(
  method: string,
  xml: unknown,
  status: number,
  records?: SoapRecords,
): Record<string, any> {
  let parsed: Record<string, any>;
  try {
    const split = records && {
      path: ['Envelope', 'Body', `${method}Response`, `${method}Result`, ...records.path],
      onElement: records.onRecord,
    };
    parsed = readXml(textOf(xml ?? ''), split);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new VendorRequestError(`${method}: the answer (HTTP ${status}) is not XML: ${error.message}`, status, false);
  }
  const body = parsed.Envelope?.Body;
  if (!isObject(body))
    throw new VendorRequestError(`${method}: the answer (HTTP ${status}) is not a SOAP envelope`, status, false);
  if (body.Fault !== undefined) {
    const error = yardiError(method, status, `SOAP Fault: ${faultText(body.Fault)}`);
    // A Fault that refuses the login or the interface is a verdict; any other says nothing of what was done.
    throw error instanceof VendorAuthError || error instanceof VendorAccessDeniedError
      ? error
      : new YardiSoapFaultError(error.message, status, (error as VendorRequestError).retryable);
  }
  const result = body[`${method}Response`]?.[`${method}Result`];
  if (!isObject(result))
    throw new VendorRequestError(`${method}: the answer has no ${method}Result document`, status, false);
  const errors = asList(result.Messages?.Message).filter((m) => isObject(m) && m['@messageType'] === 'Error');
  if (errors.length > 0)
    throw yardiError(
      method,
      status,
      errors.map((m) => textOf((m as Record<string, unknown>)['#text'] ?? '')).join('; '),
      YardiMessageError,
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
export function yardiError(
  method: string,
  status: number,
  message: string,
  Refusal: typeof VendorRequestError = VendorRequestError,
): Error {
  if (BUSY.test(message)) return new VendorRequestError(`${method}: ${message}`, status, true);
  if (LOGIN_REFUSED.test(message)) return new VendorAuthError(`${method}: Yardi refused the credentials: ${message}`);
  if (INTERFACE_REFUSED.test(message))
    return new VendorAccessDeniedError(`${method}: Yardi refused the interface: ${message}`, status);
  return new Refusal(`${method}: ${message}`, status, false);
}

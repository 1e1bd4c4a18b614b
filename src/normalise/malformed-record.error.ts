/** A vendor record that cannot become a canonical record; the sync quarantines it and carries on. */
export class MalformedRecordError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

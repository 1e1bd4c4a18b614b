/** How one HTTP exchange with the vendor ended: a usable answer, a throttle, a transient failure, or a final error. */
export type VendorAttemptOutcome = 'ok' | 'throttled' | 'retry' | 'error';
export type VendorRequestObserver = (outcome: VendorAttemptOutcome, seconds: number) => void;

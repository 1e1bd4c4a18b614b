/** The body of an action that takes no fields (the spec's `{}` inputs): absent or `{}`, anything else is a 400. */
export class EmptyBodyDto {}

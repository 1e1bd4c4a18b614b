import type request from 'supertest';

/** The answer is `status` with the error envelope of API.md §2 and this `code`. */
export function expectError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
}

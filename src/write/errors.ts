/** If-Match named a version the entity is not at: HTTP 409, nothing recorded. */
export class VersionMismatch extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the entity is at version ${actual}, not ${expected}`);
    this.name = 'VersionMismatch';
  }
}

/** A set that remembers only its last `capacity` keys: enough to drop an event delivered
 * twice around a reconnection, without growing for as long as a subscription lives. */
export class RecentSet {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 512) {}

  /** True when `key` was added already (and still remembered); else remembers it. */
  seenBefore(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.keys.size;
  }
}

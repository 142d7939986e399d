import { Observable, Subscriber, TeardownLogic } from 'rxjs';

/**
 * An RxJS Observable that can also be read with `for await`. Breaking out of the loop (or calling
 * `return()`) unsubscribes; events arriving faster than the loop reads them wait in a queue.
 */
export class EventStream<T> extends Observable<T> implements AsyncIterable<T> {
  constructor(subscribe: (subscriber: Subscriber<T>) => TeardownLogic) {
    super(subscribe);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const queue: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | undefined;
    let failed: { error: unknown } | undefined;
    let done = false;
    const subscription = this.subscribe({
      next: (value) => {
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ value, done: false });
        } else {
          queue.push(value);
        }
      },
      error: (error: unknown) => {
        failed = { error };
        done = true;
        waiting?.({ value: undefined, done: true });
      },
      complete: () => {
        done = true;
        waiting?.({ value: undefined, done: true });
      },
    });
    return {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
        if (failed) return Promise.reject(failed.error);
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        done = true;
        subscription.unsubscribe();
        waiting?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

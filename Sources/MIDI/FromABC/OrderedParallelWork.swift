import Dispatch
import Synchronization

/// Runs numbered jobs on several cores and hands their results over one by one, in job order, on the calling thread
/// (`ABCToMIDI.forEachTune(inABCBytes:options:concurrency:transform:_:)`).
///
/// `concurrency - 1` workers on Dispatch's global queue and the calling thread take jobs in order; the calling thread
/// hands over each result as soon as it and every earlier one are done, and runs a job itself whenever the result it
/// needs next is not ready. No job starts more than `window` places ahead of the result being handed over, so memory
/// stays flat however many jobs there are. Threads block only when they have nothing to do, so small jobs cost
/// little more than run one after the other.
enum OrderedParallelWork {
  /// Calls `body` with `job(0)`, `job(1)`, … `job(count - 1)` in order, the jobs running concurrently. A job that
  /// throws has its error rethrown in order, after `body` has had every earlier result. When `body` (or a rethrown
  /// error) ends the run early, no further job starts and running ones are waited for before returning. With
  /// `concurrency` 1 the jobs run one after the other on the calling thread.
  static func forEach<Output: Sendable>(
    count: Int, concurrency: Int, window: Int? = nil, job: @escaping @Sendable (Int) throws -> Output,
    body: (Output) throws -> Void
  ) throws {
    guard concurrency > 1, count > 1 else {
      for k in 0..<count { try body(try job(k)) }
      return
    }
    let workers = min(concurrency, count) - 1
    let shared = Shared<Output>(count: count, job: job)
    // One permit per job that may be started ahead of the result being handed over. Created empty and filled:
    // Dispatch traps when a semaphore is released holding less than its initial value, as after an early stop.
    let permits = DispatchSemaphore(value: 0)
    for _ in 0..<max(concurrency, window ?? 8 * concurrency) { permits.signal() }
    let group = DispatchGroup()
    for _ in 0..<workers {
      DispatchQueue.global().async(group: group) {
        while true {
          permits.wait()
          guard let index = shared.claim() else {
            permits.signal()  // let the next worker see the end too
            return
          }
          shared.run(index)
        }
      }
    }
    defer {
      shared.stop()
      for _ in 0..<workers { permits.signal() }
      group.wait()
    }
    for k in 0..<count {
      let result: Result<Output, any Error>
      while true {
        if let ready = shared.take(k) {
          result = ready
          break
        }
        // Job `k` is running elsewhere (or not yet claimed): do the next job meanwhile, or wait for `k`.
        if permits.wait(timeout: .now()) == .success {
          if let index = shared.claim() {
            shared.run(index)
          } else {
            permits.signal()
            result = shared.waitFor(k)
            break
          }
        } else {
          result = shared.waitFor(k)
          break
        }
      }
      permits.signal()
      try body(try result.get())
    }
  }

  /// The jobs' shared state: the next job to claim, results not yet handed over, and the job the calling thread
  /// waits for.
  private final class Shared<Output: Sendable>: Sendable {
    private struct State {
      var next = 0
      var stopped = false
      var results: [Int: Result<Output, any Error>] = [:]
      var waitingFor: Int?
    }

    private let count: Int
    private let job: @Sendable (Int) throws -> Output
    private let state = Mutex(State())
    /// Signalled once when the result the calling thread waits for arrives.
    private let arrived = DispatchSemaphore(value: 0)

    init(count: Int, job: @escaping @Sendable (Int) throws -> Output) {
      self.count = count
      self.job = job
    }

    /// The next job to run, `nil` when every job has been claimed or the run was stopped.
    func claim() -> Int? {
      state.withLock { s in
        guard !s.stopped, s.next < count else { return nil }
        defer { s.next += 1 }
        return s.next
      }
    }

    func run(_ index: Int) {
      let result = Result { try job(index) }
      let wake = state.withLock { s in
        s.results[index] = result
        guard s.waitingFor == index else { return false }
        s.waitingFor = nil
        return true
      }
      if wake { arrived.signal() }
    }

    func take(_ index: Int) -> Result<Output, any Error>? {
      state.withLock { $0.results.removeValue(forKey: index) }
    }

    /// Blocks until job `index` (claimed by a worker) is done, and takes its result.
    func waitFor(_ index: Int) -> Result<Output, any Error> {
      let ready = state.withLock { s -> Result<Output, any Error>? in
        if let result = s.results.removeValue(forKey: index) { return result }
        s.waitingFor = index
        return nil
      }
      if let ready { return ready }
      arrived.wait()
      return state.withLock { $0.results.removeValue(forKey: index)! }
    }

    func stop() { state.withLock { $0.stopped = true } }
  }
}

import Foundation

/// How the learning rate changes with the optimizer step.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
  /// The base rate throughout.
  case constant
  /// Multiply by `gamma` every `every` steps (`torch.optim.lr_scheduler.StepLR`).
  case step(every: Int, gamma: Double)
  /// Linear warm-up over `warmup` steps from 0 to the base rate, then cosine decay to `minimum` at `total` steps
  /// (the minimum afterwards).
  case cosine(warmup: Int, total: Int, minimum: Double)

  /// The rate for optimizer step `step` (0-based: the rate of the first update is `rate(0, base)`).
  public func rate(at step: Int, base: Double) -> Double {
    switch self {
    case .constant:
      return base
    case .step(let every, let gamma):
      return base * pow(gamma, Double(step / max(1, every)))
    case .cosine(let warmup, let total, let minimum):
      if step < warmup { return base * Double(step + 1) / Double(warmup) }
      let span = max(1, total - warmup)
      let progress = min(1, Double(step - warmup) / Double(span))
      return minimum + (base - minimum) * 0.5 * (1 + cos(Double.pi * progress))
    }
  }
}

/// A dense tensor held as `Float` values in row-major order, with its shape.
///
/// `values.count` equals the product of `shape` (1 for a scalar, `shape == []`). The name lives next to the tensor in
/// `SafeTensorsFile.tensors` (PyTorch names such as `lstm.weight_ih_l0`).
public struct NamedTensor: Sendable, Equatable {
  /// Dimensions, outermost first (`[4H, E]` for `weight_ih_l0`).
  public var shape: [Int]
  /// Elements in row-major (C) order.
  public var values: [Float]

  /// Creates a tensor; `values.count` should equal the product of `shape` (`SafeTensorsFile.write` checks it).
  public init(shape: [Int], values: [Float]) {
    self.shape = shape
    self.values = values
  }

  /// The number of elements the shape describes, or `nil` when a dimension is negative or the product overflows.
  public var shapeElementCount: Int? { NamedTensor.elementCount(of: shape) }

  /// The product of `shape`, or `nil` when a dimension is negative or the product overflows `Int`.
  static func elementCount(of shape: [Int]) -> Int? {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      if overflow { return nil }
      count = product
    }
    return count
  }
}

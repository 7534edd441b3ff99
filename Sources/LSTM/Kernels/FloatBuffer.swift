/// 64-byte-aligned `Float` storage owned by a class, for the hot buffers the C kernels read and write: no
/// copy-on-write, no exclusivity checks, and a pointer that stays valid for the buffer's lifetime. Zero-initialised.
final class FloatBuffer {
  let base: UnsafeMutablePointer<Float>
  let count: Int

  /// `count` zeros.
  init(count: Int) {
    self.count = max(0, count)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, self.count) * 4, alignment: 64)
    base = raw.initializeMemory(as: Float.self, repeating: 0, count: max(1, self.count))
  }

  /// A copy of `values`.
  convenience init(_ values: [Float]) {
    self.init(count: values.count)
    values.withUnsafeBufferPointer { source in
      if let from = source.baseAddress { base.update(from: from, count: values.count) }
    }
  }

  deinit { base.deallocate() }

  var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

  func zero() { base.update(repeating: 0, count: count) }

  /// Copies `values` into the buffer from `offset`.
  func copy(from values: [Float], at offset: Int = 0) {
    precondition(offset >= 0 && offset + values.count <= count, "FloatBuffer.copy out of range")
    values.withUnsafeBufferPointer { source in
      if let from = source.baseAddress { (base + offset).update(from: from, count: values.count) }
    }
  }
}

/// 64-byte-aligned `Int32` storage (token ids). See `FloatBuffer`.
final class Int32Buffer {
  let base: UnsafeMutablePointer<Int32>
  let count: Int

  init(count: Int) {
    self.count = max(0, count)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, self.count) * 4, alignment: 64)
    base = raw.initializeMemory(as: Int32.self, repeating: 0, count: max(1, self.count))
  }

  deinit { base.deallocate() }
}

/// 64-byte-aligned `UInt16` storage (bfloat16 operands of the mixed-precision kernels). See `FloatBuffer`.
final class UInt16Buffer {
  let base: UnsafeMutablePointer<UInt16>
  let count: Int

  init(count: Int) {
    self.count = max(0, count)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, self.count) * 2, alignment: 64)
    base = raw.initializeMemory(as: UInt16.self, repeating: 0, count: max(1, self.count))
  }

  deinit { base.deallocate() }
}

extension SafeTensorsFile {
  /// The complete file bytes with every tensor stored as `dtype`.
  ///
  /// Tensors are laid out back to back in `tensors` order; the JSON header lists `__metadata__` first (keys sorted,
  /// omitted when empty), then each tensor as `{"dtype", "shape", "data_offsets"}`, and is padded with spaces to a
  /// multiple of 8 bytes so the data section is 8-byte aligned.
  /// - Precondition: `validateForWriting()` succeeds (unique valid names, value counts matching shapes). `write(to:)`
  ///   checks this and throws instead.
  public func encoded(dtype: TensorDType) -> [UInt8] {
    precondition(
      (try? validateForWriting()) != nil, "SafeTensorsFile.encoded: invalid tensors; call validateForWriting()")
    var members: [(key: String, value: JSONValue)] = []
    if !metadata.isEmpty {
      let sorted = metadata.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
      members.append(("__metadata__", .object(sorted.map { ($0.key, JSONValue.string($0.value)) })))
    }
    var offset = 0
    for (name, tensor) in tensors {
      let size = tensor.values.count * dtype.byteSize
      members.append(
        (
          name,
          .object([
            ("dtype", .string(dtype.rawValue)),
            ("shape", .array(tensor.shape.map { JSONValue.integer($0) })),
            ("data_offsets", .array([.integer(offset), .integer(offset + size)])),
          ])
        ))
      offset += size
    }
    var header = Array(JSONValue.object(members).serialized.utf8)
    header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)

    var bytes = [UInt8]()
    bytes.reserveCapacity(8 + header.count + offset)
    let headerLength = UInt64(header.count)
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: headerLength >> UInt64(shift)))
    }
    bytes += header
    let dataStart = bytes.count
    bytes += [UInt8](repeating: 0, count: offset)
    bytes.withUnsafeMutableBytes { raw in
      var position = dataStart
      for (_, tensor) in tensors {
        tensor.values.withUnsafeBufferPointer { values in
          switch dtype {
          case .f32:
            for v in values {
              raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
              position += 4
            }
          case .f16:
            for v in values {
              raw.storeBytes(of: HalfPrecision.halfBits(from: v).littleEndian, toByteOffset: position, as: UInt16.self)
              position += 2
            }
          case .bf16:
            for v in values {
              raw.storeBytes(
                of: HalfPrecision.bfloat16Bits(from: v).littleEndian, toByteOffset: position,
                as: UInt16.self)
              position += 2
            }
          }
        }
      }
    }
    return bytes
  }
}

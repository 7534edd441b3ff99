extension SafeTensorsFile {
  /// The largest header accepted, as in the reference implementation (`MAX_HEADER_SIZE`).
  public static let maximumHeaderLength = 100_000_000

  /// Decodes safetensors bytes, converting F32, F16, BF16 and F64 tensors to `Float`.
  ///
  /// Strict and safe on hostile input: checks the header length against the file, parses the JSON header strictly,
  /// requires every tensor entry to have a known dtype, a non-negative shape and `data_offsets` inside the data
  /// section whose size equals shape × dtype size, rejects duplicate names, overlapping tensors and bytes that belong
  /// to no tensor (as the reference implementation does). Unknown keys inside a tensor entry are ignored.
  /// - Throws: `SafeTensorsError`, naming the tensor and the numbers involved.
  public static func decode(_ bytes: [UInt8]) throws(SafeTensorsError) -> SafeTensorsFile {
    guard bytes.count >= 8 else { throw .fileTooShort(fileSize: bytes.count) }
    var headerLength: UInt64 = 0
    for i in 0..<8 { headerLength |= UInt64(bytes[i]) << UInt64(8 * i) }
    guard headerLength <= UInt64(maximumHeaderLength) else {
      throw .headerTooLarge(headerLength: headerLength, limit: maximumHeaderLength)
    }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw .headerLengthBeyondFile(headerLength: headerLength, fileSize: bytes.count)
    }
    let dataStart = 8 + Int(headerLength)
    let dataSize = bytes.count - dataStart

    let header: JSONValue
    do {
      header = try JSONValue.parse(bytes[8..<dataStart])
    } catch {
      throw .invalidHeaderJSON(offset: error.offset, reason: error.message)
    }
    guard case .object(let members) = header else { throw .headerNotAnObject(found: header.kindName) }

    var entries: [HeaderEntry] = []
    var metadata: [String: String] = [:]
    var seen = Set<String>()
    for (name, value) in members {
      guard seen.insert(name).inserted else { throw .duplicateEntry(name: name) }
      if name == "__metadata__" {
        metadata = try decodeMetadata(value)
        continue
      }
      entries.append(try decodeEntry(name: name, value: value, dataSize: dataSize))
    }

    // Layout: sorted by position, the ranges must tile the data section exactly.
    let byPosition = entries.indices.sorted {
      (entries[$0].begin, entries[$0].end) < (entries[$1].begin, entries[$1].end)
    }
    var covered = 0
    var previous: Int? = nil
    for index in byPosition {
      let entry = entries[index]
      if entry.begin < covered, let previous {
        let other = entries[previous]
        throw .overlappingTensors(
          tensor: entry.name, begin: entry.begin, end: entry.end, other: other.name,
          otherBegin: other.begin, otherEnd: other.end)
      }
      if entry.begin > covered { throw .unusedBytes(start: covered, end: entry.begin, dataSize: dataSize) }
      covered = entry.end
      previous = index
    }
    if covered < dataSize { throw .unusedBytes(start: covered, end: dataSize, dataSize: dataSize) }

    var file = SafeTensorsFile(tensors: [], metadata: metadata)
    file.tensors.reserveCapacity(entries.count)
    bytes.withUnsafeBytes { raw in
      for entry in entries {
        let data = UnsafeRawBufferPointer(rebasing: raw[(dataStart + entry.begin)..<(dataStart + entry.end)])
        let values = convert(data, from: entry.dtype)
        file.tensors.append((entry.name, NamedTensor(shape: entry.shape, values: values)))
        file.storedDTypes[entry.name] = entry.dtype.rawValue
      }
    }
    return file
  }

  private static func decodeMetadata(_ value: JSONValue) throws(SafeTensorsError) -> [String: String] {
    switch value {
    case .null:
      return [:]
    case .object(let pairs):
      var metadata: [String: String] = [:]
      for (key, value) in pairs {
        guard case .string(let text) = value else {
          throw .invalidMetadata(key: key, reason: "value must be a string, found \(value.kindName)")
        }
        guard metadata.updateValue(text, forKey: key) == nil else {
          throw .invalidMetadata(key: key, reason: "key appears twice")
        }
      }
      return metadata
    default:
      throw .invalidMetadata(key: nil, reason: "must be an object of strings, found \(value.kindName)")
    }
  }

  private static func decodeEntry(name: String, value: JSONValue, dataSize: Int) throws(SafeTensorsError)
    -> HeaderEntry
  {
    guard case .object(let fields) = value else {
      throw .invalidTensorEntry(tensor: name, reason: "entry must be an object, found \(value.kindName)")
    }
    func field(_ key: String) throws(SafeTensorsError) -> JSONValue {
      let matches = fields.filter { $0.key == key }
      guard matches.count == 1 else {
        throw .invalidTensorEntry(
          tensor: name, reason: matches.isEmpty ? "missing \"\(key)\"" : "\"\(key)\" appears twice")
      }
      return matches[0].value
    }
    guard case .string(let dtypeName) = try field("dtype") else {
      throw .invalidTensorEntry(tensor: name, reason: "\"dtype\" must be a string")
    }
    guard let dtype = StoredDType(rawValue: dtypeName) else { throw .unknownDType(tensor: name, dtype: dtypeName) }
    guard dtype.isReadable else { throw .unsupportedDType(tensor: name, dtype: dtypeName) }

    guard case .array(let shapeValues) = try field("shape") else {
      throw .invalidTensorEntry(tensor: name, reason: "\"shape\" must be an array of non-negative integers")
    }
    var shape: [Int] = []
    for dimension in shapeValues {
      guard let d = dimension.nonNegativeInt else {
        throw .invalidTensorEntry(
          tensor: name,
          reason: "\"shape\" must be an array of non-negative integers, found "
            + dimension.serialized)
      }
      shape.append(d)
    }
    guard case .array(let offsetValues) = try field("data_offsets"), offsetValues.count == 2,
      let begin = offsetValues[0].nonNegativeInt, let end = offsetValues[1].nonNegativeInt
    else {
      throw .invalidTensorEntry(tensor: name, reason: "\"data_offsets\" must be two non-negative integers [begin, end]")
    }
    guard begin <= end else { throw .reversedOffsets(tensor: name, begin: begin, end: end) }
    guard end <= dataSize else { throw .offsetsOutOfRange(tensor: name, begin: begin, end: end, dataSize: dataSize) }
    guard let count = NamedTensor.elementCount(of: shape) else { throw .sizeOverflow(tensor: name, shape: shape) }
    let (expected, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow else { throw .sizeOverflow(tensor: name, shape: shape) }
    guard end - begin == expected else {
      throw .sizeMismatch(tensor: name, dtype: dtypeName, shape: shape, expectedBytes: expected, begin: begin, end: end)
    }
    return HeaderEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
  }

  /// Converts little-endian elements of a readable dtype to `Float`.
  private static func convert(_ data: UnsafeRawBufferPointer, from dtype: StoredDType) -> [Float] {
    let count = data.count / dtype.byteSize
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      switch dtype {
      case .f32:
        for i in 0..<count {
          out[i] = Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
      case .f16:
        for i in 0..<count {
          out[i] = HalfPrecision.float(
            fromHalfBits: UInt16(littleEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        }
      case .bf16:
        for i in 0..<count {
          out[i] = HalfPrecision.float(
            fromBFloat16Bits: UInt16(littleEndian: data.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        }
      case .f64:
        for i in 0..<count {
          out[i] = Float(
            Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
        }
      default:
        for i in 0..<count { out[i] = .nan }  // unreachable: decode rejects unreadable dtypes first
      }
      initialized = count
    }
  }
}

/// One validated tensor entry of a safetensors header; `begin`/`end` are offsets into the data section.
private struct HeaderEntry {
  var name: String
  var dtype: StoredDType
  var shape: [Int]
  var begin: Int
  var end: Int
}

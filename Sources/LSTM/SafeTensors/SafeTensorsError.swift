/// Why a safetensors file could not be read or written.
///
/// Offsets are byte offsets: `headerLength` and `fileSize` count from the start of the file, `begin`/`end` (the
/// header's `data_offsets`) count from the start of the data section, which follows the 8-byte length and the header.
/// `description` reads like a compiler message: `model.safetensors: error: tensor 'fc.weight': …`.
public enum SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Reading or writing the file failed.
  case io(FileIOError)
  /// Wraps an error found while decoding the file at `path`.
  indirect case inFile(path: String, error: SafeTensorsError)
  /// The file is shorter than the 8-byte header length.
  case fileTooShort(fileSize: Int)
  /// The header length says the header runs past the end of the file.
  case headerLengthBeyondFile(headerLength: UInt64, fileSize: Int)
  /// The header length exceeds the sanity limit (100 MB, as the reference implementation).
  case headerTooLarge(headerLength: UInt64, limit: Int)
  /// The header is not valid JSON (or not UTF-8); `offset` is the byte offset inside the header.
  case invalidHeaderJSON(offset: Int, reason: String)
  /// The header's JSON is not an object.
  case headerNotAnObject(found: String)
  /// The header names the same tensor (or `__metadata__`) twice.
  case duplicateEntry(name: String)
  /// `__metadata__` is not an object of strings (`key` is the offending key, if any).
  case invalidMetadata(key: String?, reason: String)
  /// A tensor entry is missing `dtype`, `shape` or `data_offsets`, or one has the wrong type.
  case invalidTensorEntry(tensor: String, reason: String)
  /// The dtype is not one safetensors defines.
  case unknownDType(tensor: String, dtype: String)
  /// The dtype is valid safetensors but not a floating-point type this reader converts to `Float`.
  case unsupportedDType(tensor: String, dtype: String)
  /// The shape's element or byte count overflows.
  case sizeOverflow(tensor: String, shape: [Int])
  /// `begin > end` in `data_offsets`.
  case reversedOffsets(tensor: String, begin: Int, end: Int)
  /// `data_offsets` reach past the end of the data section.
  case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
  /// The byte range does not match shape × dtype size.
  case sizeMismatch(tensor: String, dtype: String, shape: [Int], expectedBytes: Int, begin: Int, end: Int)
  /// Two tensors' byte ranges overlap.
  case overlappingTensors(tensor: String, begin: Int, end: Int, other: String, otherBegin: Int, otherEnd: Int)
  /// Bytes `start..<end` of the data section belong to no tensor (a hole or trailing bytes).
  case unusedBytes(start: Int, end: Int, dataSize: Int)
  /// On write: a tensor's value count does not match its shape.
  case valueCountMismatch(tensor: String, shape: [Int], valueCount: Int)
  /// On write: an empty tensor name or the reserved name `__metadata__`.
  case invalidTensorName(String)

  public var description: String {
    switch self {
    case .io(let error):
      return "error: \(error)"
    case .inFile(let path, let error):
      let inner = error.description
      return inner.hasPrefix("error: ") ? "\(path): \(inner)" : "\(path): error: \(inner)"
    case .fileTooShort(let size):
      return "error: not a safetensors file: \(size) bytes, but the header length alone takes 8"
    case .headerLengthBeyondFile(let length, let size):
      return "error: truncated safetensors file: the header is \(length) bytes long, but only \(max(0, size - 8)) "
        + "bytes follow the 8-byte length (file size \(size))"
    case .headerTooLarge(let length, let limit):
      return "error: safetensors header length \(length) exceeds the \(limit)-byte limit (corrupt or not a "
        + "safetensors file)"
    case .invalidHeaderJSON(let offset, let reason):
      return "error: safetensors header is not valid JSON at header byte \(offset): \(reason)"
    case .headerNotAnObject(let found):
      return "error: safetensors header must be a JSON object, found \(found)"
    case .duplicateEntry(let name):
      return "error: safetensors header lists '\(name)' twice"
    case .invalidMetadata(let key, let reason):
      if let key { return "error: __metadata__ entry '\(key)': \(reason)" }
      return "error: __metadata__: \(reason)"
    case .invalidTensorEntry(let tensor, let reason):
      return "error: tensor '\(tensor)': \(reason)"
    case .unknownDType(let tensor, let dtype):
      return "error: tensor '\(tensor)': unknown dtype '\(dtype)'"
    case .unsupportedDType(let tensor, let dtype):
      return "error: tensor '\(tensor)': dtype \(dtype) is not supported (only F32, F16, BF16 and F64 are read)"
    case .sizeOverflow(let tensor, let shape):
      return "error: tensor '\(tensor)': shape \(shape) is too large"
    case .reversedOffsets(let tensor, let begin, let end):
      return "error: tensor '\(tensor)': data_offsets [\(begin), \(end)] end before they begin"
    case .offsetsOutOfRange(let tensor, let begin, let end, let dataSize):
      return "error: tensor '\(tensor)': data_offsets [\(begin), \(end)] reach past the data section, which has "
        + "\(dataSize) bytes (truncated file?)"
    case .sizeMismatch(let tensor, let dtype, let shape, let expected, let begin, let end):
      return "error: tensor '\(tensor)': data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but shape "
        + "\(shape) of \(dtype) needs \(expected)"
    case .overlappingTensors(let tensor, let begin, let end, let other, let otherBegin, let otherEnd):
      return "error: tensor '\(tensor)' (bytes \(begin)..<\(end)) overlaps tensor '\(other)' (bytes "
        + "\(otherBegin)..<\(otherEnd))"
    case .unusedBytes(let start, let end, let dataSize):
      return "error: bytes \(start)..<\(end) of the \(dataSize)-byte data section belong to no tensor"
    case .valueCountMismatch(let tensor, let shape, let count):
      let expected = NamedTensor.elementCount(of: shape).map(String.init) ?? "an impossible number of"
      return "error: tensor '\(tensor)': shape \(shape) needs \(expected) values, it has \(count)"
    case .invalidTensorName(let name):
      return "error: '\(name)' cannot be a tensor name (empty or reserved)"
    }
  }
}

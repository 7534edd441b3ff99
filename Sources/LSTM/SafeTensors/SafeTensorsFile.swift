/// The contents of a safetensors file: named tensors in file order plus string metadata.
///
/// Format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length `N`, `N` bytes of JSON
/// header `{"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}`
/// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes. Offsets count from the start of
/// the data section.
///
/// Writing keeps the order of `tensors` (PyTorch `state_dict` order, not sorted: the reference library sorts by
/// dtype and name, but readers, including PyTorch's `safetensors.torch.load_file`, accept any order), lays the
/// tensors out back to back in that order, writes `__metadata__` first with keys sorted, and pads the header as the
/// reference does. Reading accepts F32, F16, BF16 and F64 and converts to `Float`; it is strict and never traps
/// (see `decode(_:)`).
public struct SafeTensorsFile: Sendable, Equatable {
  /// The tensors in file order (header order when read).
  public var tensors: [(name: String, tensor: NamedTensor)]
  /// The header's `__metadata__` (string → string).
  public var metadata: [String: String]
  /// The dtype each tensor had on disk when the file was read (`"F16"`, …); empty for files built in memory.
  /// Informational: not part of `==`.
  public var storedDTypes: [String: String]

  /// Creates a file from tensors (kept in this order) and metadata.
  public init(tensors: [(name: String, tensor: NamedTensor)], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
    self.storedDTypes = [:]
  }

  /// The tensor called `name`, or `nil`.
  public subscript(name: String) -> NamedTensor? {
    tensors.first { $0.name == name }?.tensor
  }

  /// The tensor names in file order.
  public var names: [String] { tensors.map(\.name) }

  public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
    lhs.metadata == rhs.metadata && lhs.tensors.count == rhs.tensors.count
      && zip(lhs.tensors, rhs.tensors).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
  }

  /// Checks what `encoded(dtype:)` assumes: non-empty unique names other than `__metadata__`, and value counts that
  /// match the shapes.
  /// - Throws: `SafeTensorsError.invalidTensorName`, `.duplicateEntry` or `.valueCountMismatch`.
  public func validateForWriting() throws(SafeTensorsError) {
    var seen = Set<String>()
    for (name, tensor) in tensors {
      guard !name.isEmpty, name != "__metadata__" else { throw .invalidTensorName(name) }
      guard seen.insert(name).inserted else { throw .duplicateEntry(name: name) }
      guard let count = tensor.shapeElementCount, count == tensor.values.count else {
        throw .valueCountMismatch(tensor: name, shape: tensor.shape, valueCount: tensor.values.count)
      }
    }
  }

  /// Reads and decodes the safetensors file at `path`.
  /// - Throws: `SafeTensorsError.io` when the file cannot be read; otherwise the decoding error wrapped in
  ///   `.inFile(path:error:)`.
  public static func read(path: String) throws(SafeTensorsError) -> SafeTensorsFile {
    let bytes: [UInt8]
    do {
      bytes = try readWholeFile(at: path)
    } catch {
      throw .io(error)
    }
    do {
      return try decode(bytes)
    } catch {
      throw .inFile(path: path, error: error)
    }
  }

  /// Encodes and writes the file atomically (temporary file in the same directory, `fsync`, rename).
  /// - Throws: the `validateForWriting()` errors, or `SafeTensorsError.io` when writing fails (no partial file is
  ///   left behind).
  public func write(to path: String, dtype: TensorDType) throws(SafeTensorsError) {
    try validateForWriting()
    do {
      try writeFileAtomically(encoded(dtype: dtype), to: path)
    } catch {
      throw .io(error)
    }
  }
}

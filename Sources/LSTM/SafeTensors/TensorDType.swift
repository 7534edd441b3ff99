/// The element type of a tensor stored in a safetensors file (the header's `"dtype"` spelling is the raw value).
///
/// Tensors are always `Float` in memory; the dtype only decides the bytes on disk. `f32` is exact and is what
/// training checkpoints use; `f16` (IEEE 754 binary16) and `bf16` (bfloat16) halve the file for shipped models.
/// Conversion from `Float` rounds to nearest, ties to even.
public enum TensorDType: String, Sendable, CaseIterable, Codable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"

  /// Bytes per element on disk.
  public var byteSize: Int { self == .f32 ? 4 : 2 }
}

/// Every dtype a safetensors file can declare, with its element size; which of them the reader can turn into
/// `Float`.
enum StoredDType: String, CaseIterable {
  case f64 = "F64"
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"
  case i64 = "I64"
  case u64 = "U64"
  case i32 = "I32"
  case u32 = "U32"
  case i16 = "I16"
  case u16 = "U16"
  case i8 = "I8"
  case u8 = "U8"
  case bool = "BOOL"
  case f8e5m2 = "F8_E5M2"
  case f8e4m3 = "F8_E4M3"
  case f8e8m0 = "F8_E8M0"
  case c64 = "C64"

  var byteSize: Int {
    switch self {
    case .f64, .i64, .u64, .c64: return 8
    case .f32, .i32, .u32: return 4
    case .f16, .bf16, .i16, .u16: return 2
    case .i8, .u8, .bool, .f8e5m2, .f8e4m3, .f8e8m0: return 1
    }
  }

  /// Whether `SafeTensorsFile.decode` converts this dtype to `Float`.
  var isReadable: Bool { [.f64, .f32, .f16, .bf16].contains(self) }
}

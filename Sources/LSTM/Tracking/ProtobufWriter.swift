/// Just enough of the protocol-buffers wire format to hand-encode TensorBoard's `Event` messages.
///
/// Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit; a field key is
/// `(field number << 3) | wire type`, itself a varint. Little-endian fixed-width values.
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var v = value
    while v >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
      v >>= 7
    }
    bytes.append(UInt8(v))
  }

  mutating func key(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

  /// An `int64` field (negative values take ten bytes, two's complement, as protobuf specifies).
  mutating func int64(_ field: Int, _ value: Int64) {
    key(field, wireType: 0)
    varint(UInt64(bitPattern: value))
  }

  /// A `double` field.
  mutating func double(_ field: Int, _ value: Double) {
    key(field, wireType: 1)
    let bits = value.bitPattern
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
  }

  /// A `float` field.
  mutating func float(_ field: Int, _ value: Float) {
    key(field, wireType: 5)
    let bits = value.bitPattern
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
  }

  /// A length-delimited field holding raw bytes (an embedded message or a UTF-8 string).
  mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
    key(field, wireType: 2)
    varint(UInt64(payload.count))
    bytes += payload
  }

  mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }
}

// libFuzzer harness: KioskTerminal.LineReader against a reference model of its documented rules.
//
// The input's first byte chooses the line cap (1...256 bytes), the second how the rest is cut
// into writes to a pipe; between writes the reader is asked for lines with a zero timeout, so
// lines split across reads and CRLF split across calls are exercised. Every event must equal
// what the model derives from the whole input, whatever the cuts.
import Glibc
import KioskTerminal

private func forbidden(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.properties.isBidiControl
}

/// The documented behaviour, computed on the whole input at once.
private func model(_ bytes: [UInt8], cap: Int) -> [LineEvent] {
    var events: [LineEvent] = []
    var line: [UInt8] = []
    var tooLong = false
    var skipLineFeed = false
    func finish() {
        if tooLong {
            events.append(.rejected(.tooLong(limit: cap)))
        } else if let text = String(validating: line, as: UTF8.self) {
            events.append(text.unicodeScalars.contains(where: forbidden) ? .rejected(.controlCharacter) : .line(text))
        } else {
            events.append(.rejected(.invalidUTF8))
        }
        line.removeAll()
        tooLong = false
    }
    for byte in bytes {
        if skipLineFeed {
            skipLineFeed = false
            if byte == 0x0A { continue }
        }
        if byte == 0x0A || byte == 0x0D {
            finish()
            skipLineFeed = byte == 0x0D
            continue
        }
        if !tooLong {
            if line.count + 1 > cap {
                tooLong = true
                line.removeAll()
            } else {
                line.append(byte)
            }
        }
    }
    if tooLong || !line.isEmpty { finish() }
    return events
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let cap = Int(data[0]) + 1
    let cutSeed = Int(data[1])
    let bytes = Array(UnsafeBufferPointer(start: data + 2, count: min(size - 2, 60_000)))
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { fatalError("pipe") }
    defer { close(fds[0]) }
    let reader = LineReader(fileDescriptor: fds[0], maxLineBytes: cap)
    var events: [LineEvent] = []
    func drain() {
        while true {
            let event = reader.readLine(timeout: .zero)
            if event == .timeout { return }
            if event == .endOfInput { fatalError("end of input while the writer is open") }
            events.append(event)
        }
    }
    var offset = 0
    var cut = cutSeed
    while offset < bytes.count {
        cut = (cut &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
        let length = min(bytes.count - offset, 1 + cut % (cutSeed % 7 == 0 ? 5000 : 64))
        let written = bytes[offset..<offset + length].withUnsafeBytes { write(fds[1], $0.baseAddress, length) }
        guard written == length else { fatalError("short write to the pipe") }
        offset += length
        drain()
    }
    close(fds[1])
    while true {
        let event = reader.readLine(timeout: .seconds(5))
        if event == .endOfInput { break }
        if event == .timeout { fatalError("timeout after the writer closed") }
        events.append(event)
    }
    let expected = model(bytes, cap: cap)
    if events != expected {
        fatalError(
            "LineReader disagrees with the documented rules: got \(events.prefix(8)), expected \(expected.prefix(8))")
    }
    for case .line(let text) in events where text.utf8.count > cap {
        fatalError("a line of \(text.utf8.count) bytes passed a cap of \(cap)")
    }
    return 0
}

/// What the console wants shown after an input: lines (already escaped), perhaps a pause
/// first (the login delay), and the next prompt.
package struct ConsoleReply: Sendable, Equatable {
    /// Clear the screen and its scrollback first (after a session ends).
    package var clearsScreen = false
    package var lines: [String] = []
    /// Wait this long after the lines and before the prompt; type-ahead meanwhile is dropped.
    package var pause: Duration = .zero
    /// The prompt for the next line; nil when the console is finished.
    package var prompt: String?
    /// Whether the next line is a password, read with echo off on a terminal.
    package var hidesInput = false
    /// Show this, then call `ReviewConsole.proceed()` at once instead of reading a line:
    /// the lines announce slow work (an upload) that `proceed` does.
    package var continues = false

    package init(
        clearsScreen: Bool = false, lines: [String] = [], pause: Duration = .zero, prompt: String?,
        hidesInput: Bool = false, continues: Bool = false
    ) {
        self.clearsScreen = clearsScreen
        self.lines = lines
        self.pause = pause
        self.prompt = prompt
        self.hidesInput = hidesInput
        self.continues = continues
    }

    /// The lines as one text, for tests and for writing.
    package var text: String {
        lines.joined(separator: "\n")
    }
}

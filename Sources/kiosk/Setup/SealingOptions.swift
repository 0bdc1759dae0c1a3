import ArgumentParser

/// How a command that seals batches finds headquarters' sealing key: `--hq-seal-key` over the
/// configuration's `hq_sealing_key`, and `--accept-sealing-key` to confirm a rotated key.
struct SealingOptions: ParsableArguments {
    @Option(
        name: .customLong("hq-seal-key"),
        help: ArgumentHelp(
            "Headquarters' sealing public key (X25519 PEM, from `kiosk-hq keys show`), overriding hq_sealing_key.",
            valueName: "pem"))
    var hqSealKey: String?

    @Option(
        name: .customLong("accept-sealing-key"),
        help: ArgumentHelp(
            "Confirm that headquarters' sealing key changed to the key with this fingerprint. Without it, a "
                + "sealing key other than the one the batches were sealed to so far is refused.",
            valueName: "fingerprint"))
    var acceptSealingKey: String?
}

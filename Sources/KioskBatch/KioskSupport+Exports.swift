// Compatibility for the merge: `DurableFile` lived in KioskBatch, and the `kiosk` executable
// (being moved into a library by another branch) still reaches it through `import KioskBatch`.
// Remove once that code imports KioskSupport itself.
@_exported import KioskSupport

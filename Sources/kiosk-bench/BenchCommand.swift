import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk-bench`: tools for bench/ and reliability/ that the operator's `kiosk` command must not
/// have: a batch written unsealed (the sealing baseline) and seeding approved applications.
@main
enum BenchCommand {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "unsealed-batch": try SealBenchmark.run(Array(arguments.dropFirst()))
        case "seed": try SeedCommand.run(Array(arguments.dropFirst()))
        case "hq-batches": try HQBatchesCommand.run(Array(arguments.dropFirst()))
        default: usage()
        }
    }

    static func usage() -> Never {
        fail(
            """
            usage: kiosk-bench unsealed-batch DATA_DIR LIMIT   (a benchmark baseline; see bench/)
                   kiosk-bench seed DATA_DIR CENTER YEAR STAFF_ID < ANSWERS.jsonl
                       (approved applications for bench/ and reliability/, one JSON object of answers a line)
                   kiosk-bench hq-batches SEALING_PUB_PEM OUT_DIR CENTERS BATCHES RECORDS [PREFIX]
                       (keys and sealed signed chained batches of a simulated fleet, for bench/hq_fleet_bench.py)
            """, status: 2)
    }

    static func fail(_ message: String, status: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(status)
    }
}

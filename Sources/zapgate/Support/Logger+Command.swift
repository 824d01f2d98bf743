import ArgumentParser
import Logging

/// `--log-level`'s values, swift-log's levels by their names.
enum LogLevelOption: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}

extension LoggingSystem {
    /// Sends every log to stderr at `level` and above; stdout stays for the commands' own
    /// output, which scripts and tests read.
    static func bootstrapStandardError(level: LogLevelOption) {
        bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level.level
            return handler
        }
    }
}

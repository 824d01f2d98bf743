import SQLiteNIO

extension StoreError {
    /// SQLite's messages name the table, column or syntax at fault, never a bound value.
    init(sqlite error: any Error) {
        guard let error = error as? SQLiteError else {
            self = .query(String(describing: error))
            return
        }
        switch error.reason {
        case .constraint, .constraintCheckFailed, .constraintCommitHookFailed, .constraintForeignKeyFailed,
            .constraintUserFunctionFailed, .constraintNotNullFailed, .constraintPrimaryKeyFailed,
            .constraintTriggerFailed, .constraintUniqueFailed, .constraintVirtualTableFailed,
            .constraintUniqueRowIDFailed, .constraintUpdateTriggerDeletedRow, .constraintStrictDataTypeFailed:
            self = .constraint(error.message)
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenCygwinPath,
            .cantOpenUnfollowedSymlink, .notADatabase, .permission, .readOnly, .full, .ioError:
            self = .unavailable(error.message)
        default:
            self = .query(error.message)
        }
    }
}

import CIM

extension JobProvider {
    /// How a job's ErrorCode (an Msvm return code, A.0) reads as a CIM_Error: ErrorType, ProbableCause (X.733) and
    /// the DSP0200 CIMStatusCode with its name.
    private struct ErrorClassification {
        var errorType: UInt16
        var probableCause: UInt16
        var cimStatusCode: UInt32
        var cimStatusName: String

        init(errorCode: UInt16) {
            switch errorCode {
            case 32769: self.init(7, 65, 2, "CIM_ERR_ACCESS_DENIED")  // Security Error, Unauthorized Access
            case 32770: self.init(10, 0, 7, "CIM_ERR_NOT_SUPPORTED")  // Unsupported Operation Error
            case 32772: self.init(4, 111, 1, "CIM_ERR_FAILED")  // Software Error, Timeout
            case 32773: self.init(4, 8, 4, "CIM_ERR_INVALID_PARAMETER")  // Configuration/Customization Error
            case 32774: self.init(9, 57, 1, "CIM_ERR_FAILED")  // Unavailable Resource, Underlying Resource Unavailable
            case 32776: self.init(4, 0, 13, "CIM_ERR_TYPE_MISMATCH")
            case 32777: self.init(9, 72, 1, "CIM_ERR_FAILED")  // Unavailable Resource, Element Unavailable
            case 32778: self.init(8, 33, 1, "CIM_ERR_FAILED")  // Oversubscription, Out of Memory
            case 32779: self.init(4, 0, 6, "CIM_ERR_NOT_FOUND")
            default: self.init(4, 47, 1, "CIM_ERR_FAILED")  // Software Error
            }
        }

        private init(_ errorType: UInt16, _ probableCause: UInt16, _ cimStatusCode: UInt32, _ name: String) {
            self.errorType = errorType
            self.probableCause = probableCause
            self.cimStatusCode = cimStatusCode
            self.cimStatusName = name
        }
    }

    /// The error of a stored job as an instance of `errorClass` (only the properties that class declares); nil
    /// while the job has none (ErrorCode 0 and not JobState 10).
    func errorInstance(of job: CIMInstance, _ context: ProviderContext) throws -> CIMInstance? {
        guard let failure = JobProperties.failure(of: job) else { return nil }
        guard let cls = context.schema.class(named: errorClass, in: context.namespace) else {
            throw CIMStatus.failed("The error class \(errorClass) is not in namespace \(context.namespace)")
        }
        let classification = ErrorClassification(errorCode: failure.errorCode)
        let exception = job["JobState"]?.uint64Value == 10
        let source = context.schema.path(of: job, in: context.namespace)
        return cls.instance(declaring: [
            ("ErrorType", .uint16(classification.errorType)),
            ("OwningEntity", .string(owningEntity)),
            ("MessageID", .string(String(failure.errorCode))),
            ("Message", .string(failure.errorDescription)),
            // Major for a failure; Information for a job a client stopped.
            ("PerceivedSeverity", .uint16(exception ? 5 : 2)),
            ("ProbableCause", .uint16(classification.probableCause)),
            ("ErrorSource", .string(source.description)),
            ("ErrorSourceFormat", .uint16(2)),  // CIMObjectPath
            ("CIMStatusCode", .uint32(classification.cimStatusCode)),
            ("CIMStatusCodeDescription", .string(classification.cimStatusName)),
        ])
    }
}

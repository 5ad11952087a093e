package agent

import (
	"strconv"
	"strings"
)

// grpcKeys are the tags the Agent reads a gRPC status code from, in order.
var grpcKeys = [4]string{"rpc.grpc.status_code", "grpc.code", "rpc.grpc.status.code", "grpc.status.code"}

// grpcCode returns the gRPC status code statistics group the span by, as
// a decimal number, or "": from the first of grpcKeys set as non-empty
// text, read as the Agent reads it; else from the first set as a number.
func (t *spanTags) grpcCode() string {
	for j := range grpcKeys {
		if t.grpcText[j] != "" {
			return grpcFromText(t.grpcText[j])
		}
	}
	for j := range grpcKeys {
		if t.grpcHasNum[j] {
			return strconv.FormatUint(uint64(t.grpcNum[j]), 10)
		}
	}
	return ""
}

// grpcFromText reads a status code written as a number, or as a name:
// "NOT_FOUND", "NotFound", "StatusCode.NOT_FOUND", "Canceled"... Another
// text gives "".
func grpcFromText(s string) string {
	if c, err := strconv.ParseUint(s, 10, 32); err == nil {
		return strconv.FormatUint(c, 10)
	}
	if c, ok := grpcNames[strings.ToUpper(strings.TrimPrefix(s, "StatusCode."))]; ok {
		return c
	}
	return ""
}

// grpcNames are the names of the gRPC status codes (google.rpc.Code), and
// the other spellings the Agent accepts.
var grpcNames = map[string]string{
	"OK": "0", "CANCELLED": "1", "UNKNOWN": "2", "INVALID_ARGUMENT": "3", "DEADLINE_EXCEEDED": "4",
	"NOT_FOUND": "5", "ALREADY_EXISTS": "6", "PERMISSION_DENIED": "7", "RESOURCE_EXHAUSTED": "8",
	"FAILED_PRECONDITION": "9", "ABORTED": "10", "OUT_OF_RANGE": "11", "UNIMPLEMENTED": "12",
	"INTERNAL": "13", "UNAVAILABLE": "14", "DATA_LOSS": "15", "UNAUTHENTICATED": "16",

	"CANCELED": "1", "INVALIDARGUMENT": "3", "DEADLINEEXCEEDED": "4", "NOTFOUND": "5",
	"ALREADYEXISTS": "6", "PERMISSIONDENIED": "7", "RESOURCEEXHAUSTED": "8",
	"FAILEDPRECONDITION": "9", "OUTOFRANGE": "11", "DATALOSS": "15",
}

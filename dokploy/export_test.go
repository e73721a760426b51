package dokploy

// DecodeTRPC is decodeTRPC, and DecodeTRPCTwice the decoder it replaced
// (decode_ref_test.go), for the benchmarks of package dokploy_test.
var (
	DecodeTRPC      = decodeTRPC
	DecodeTRPCTwice = decodeTRPCTwice
)

package env

import "strings"

// ParseTags reads a tag list as dd-trace-go reads DD_TAGS: key:value pairs
// separated by commas, or by spaces when there is no comma; a key alone has
// an empty value, a pair without a key is skipped, and a later key wins.
func ParseTags(s string) map[string]string {
	sep := " "
	if strings.Contains(s, ",") {
		sep = ","
	}
	out := map[string]string{}
	for f := range strings.SplitSeq(s, sep) {
		k, v, _ := strings.Cut(f, ":")
		if k = strings.TrimSpace(k); k != "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

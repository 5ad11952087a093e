// Package env reads the DD_* environment variables with dd-trace-go's
// meanings, reporting bad values instead of failing on them.
package env

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// String returns the variable's value, trimmed, or def when it is unset or
// blank.
func String(key, def string) string {
	if v := strings.TrimSpace(os.Getenv(key)); v != "" {
		return v
	}
	return def
}

// Bool returns the variable as a boolean ("true", "1", "false", "0", any
// case), or def when it is unset; a value that is not a boolean returns def
// and an error that says so.
func Bool(key string, def bool) (bool, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a boolean: %w", key, v, err)
	}
	return b, nil
}

// Int returns the variable as an integer, or def when it is unset or
// invalid (with an error).
func Int(key string, def int) (int, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not an integer: %w", key, v, err)
	}
	return n, nil
}

// Float returns the variable as a float64, or def when it is unset or
// invalid (with an error).
func Float(key string, def float64) (float64, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a number: %w", key, v, err)
	}
	return f, nil
}

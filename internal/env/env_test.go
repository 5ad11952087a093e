package env

import "testing"

func TestParse(t *testing.T) {
	t.Setenv("X_STR", "  v ")
	t.Setenv("X_BLANK", "  ")
	t.Setenv("X_TRUE", "TRUE")
	t.Setenv("X_ZERO", "0")
	t.Setenv("X_BAD", "maybe")
	t.Setenv("X_INT", "42")
	t.Setenv("X_FLOAT", "0.5")
	if String("X_STR", "d") != "v" || String("X_BLANK", "d") != "d" || String("X_UNSET", "d") != "d" {
		t.Error("String")
	}
	if b, err := Bool("X_TRUE", false); !b || err != nil {
		t.Error("Bool true")
	}
	if b, err := Bool("X_ZERO", true); b || err != nil {
		t.Error("Bool 0")
	}
	if b, err := Bool("X_BAD", true); !b || err == nil {
		t.Error("Bool bad: want the default and an error")
	}
	if b, err := Bool("X_UNSET", true); !b || err != nil {
		t.Error("Bool unset")
	}
	if n, err := Int("X_INT", 1); n != 42 || err != nil {
		t.Error("Int")
	}
	if n, err := Int("X_BAD", 1); n != 1 || err == nil {
		t.Error("Int bad")
	}
	if n, err := Int("X_UNSET", 1); n != 1 || err != nil {
		t.Error("Int unset")
	}
	if f, err := Float("X_FLOAT", 1); f != 0.5 || err != nil {
		t.Error("Float")
	}
	if f, err := Float("X_BAD", 1); f != 1 || err == nil {
		t.Error("Float bad")
	}
	if f, err := Float("X_UNSET", 1); f != 1 || err != nil {
		t.Error("Float unset")
	}
}

package idle

import (
	"context"
	"errors"
	"testing"
)

func TestSignal(t *testing.T) {
	var s Signal
	if err := s.Wait(context.Background()); err != nil {
		t.Fatalf("idle Wait: %v", err)
	}
	s.Add()
	s.Add()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("busy Wait with a done context: %v", err)
	}
	waited := make(chan error)
	//lint:ignore SA1012 a nil context is accepted, and tested
	go func() { waited <- s.Wait(nil) }()
	s.Done()
	s.Done()
	if err := <-waited; err != nil {
		t.Fatalf("Wait after the last Done: %v", err)
	}
	s.Add() // busy again: a new round
	s.Done()
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

package main

import "strings"

// splitStatements cuts src into the complete statements it holds (each
// ended by a ';' outside quotes, comments and trigger bodies, the ';'
// dropped) and the text after the last one. Statements that are only
// comments or blank are skipped; rest is "" when it holds no SQL.
func splitStatements(src string) (stmts []string, rest string) {
	var (
		start      = 0     // where the current statement began
		content    = false // the statement has SQL, not just comments
		words      []string
		lastWord   string
		inTrigger  bool
		wordsKnown bool // the first words decided inTrigger
	)
	endWord := func(w string) {
		w = strings.ToLower(w)
		lastWord = w
		if wordsKnown {
			return
		}
		words = append(words, w)
		switch {
		case len(words) == 1 && w != "create":
			wordsKnown = true
		case len(words) == 2 && w == "trigger", len(words) == 3 && w == "trigger":
			inTrigger, wordsKnown = true, true
		case len(words) == 2 && (w == "temp" || w == "temporary"):
		case len(words) >= 2:
			wordsKnown = true
		}
	}
	reset := func(next int) {
		start, content, words, lastWord, inTrigger, wordsKnown = next, false, nil, "", false, false
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j + 1
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				i = len(src)
			} else {
				i += j + 4
			}
		case c == '\'' || c == '"' || c == '`' || c == '[':
			content = true
			closer := c
			if c == '[' {
				closer = ']'
			}
			j := strings.IndexByte(src[i+1:], closer)
			if j < 0 {
				i = len(src) // unterminated: the statement is incomplete
			} else {
				i += j + 2 // a doubled quote is two strings back to back
			}
			lastWord = ""
		case isWordByte(c):
			content = true
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			endWord(src[i:j])
			i = j
		case c == ';':
			if inTrigger && lastWord != "end" {
				lastWord = ""
				i++
				continue
			}
			if content {
				stmts = append(stmts, strings.TrimSpace(src[start:i]))
			}
			i++
			reset(i)
		default:
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
				content = true
				lastWord = ""
			}
			i++
		}
	}
	if content {
		rest = strings.TrimSpace(src[start:])
	}
	return stmts, rest
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

;;; schemagate through eglot (Emacs 29 or later, where eglot is built in).
;; eglot runs one server per major mode: SQL buffers get schemagate; Python buffers get it in
;; a migrations folder (a path with /versions/ in it: Alembic's) and your usual Python server
;; everywhere else. `M-x eglot' starts it, `eglot-code-actions' offers the fixes and ignores,
;; `eldoc' shows the rule's documentation at point.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(sql-mode . ("schemagate" "lsp")))
  (add-to-list 'eglot-server-programs
               `((python-mode python-ts-mode)
                 . ,(lambda (&optional _interactive)
                      (if (string-match-p "/versions/" (or buffer-file-name ""))
                          '("schemagate" "lsp")
                        '("pylsp"))))))

-- The Neovim set-up users copy (examples/editors/neovim.lua), as it is, in a headless Neovim:
-- it starts `schemagate lsp` for an Alembic revision and its diagnostics arrive. Debian 12's
-- Neovim is 0.7: the example must use only what 0.7 has.
--
--   SCHEMAGATE=build/schemagate PROJECT=tests/lsp/project EXAMPLE=examples/editors/neovim.lua \
--     nvim --headless --clean -n -i NONE -c 'luafile tests/lsp/nvim_example_test.lua'
local schemagate = assert(os.getenv("SCHEMAGATE"), "SCHEMAGATE: the schemagate binary")
local project = assert(os.getenv("PROJECT"), "PROJECT: the project to open")
local example = assert(os.getenv("EXAMPLE"), "EXAMPLE: the example configuration")

local function fail(what)
  io.stderr:write("FAILED: " .. what .. "\n")
  vim.cmd("cquit 1")
end

-- The example runs `schemagate` from PATH.
vim.env.PATH = vim.fn.fnamemodify(schemagate, ":p:h") .. ":" .. vim.env.PATH
vim.cmd("filetype on")
local ok, err = pcall(vim.cmd, "luafile " .. vim.fn.fnameescape(example))
if not ok then
  fail("the example does not load: " .. tostring(err))
end
local revision = vim.fn.glob(project .. "/migrations/versions/*.py", false, true)[1]
if revision == nil then
  fail("no revision in " .. project)
end
vim.cmd("edit " .. vim.fn.fnameescape(revision))
local buf = vim.api.nvim_get_current_buf()
local arrived = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not arrived then
  fail("no diagnostics from schemagate within 30 s")
end
local rules = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  if d.source ~= "schemagate" and d.code == nil then
    fail("a diagnostic not from schemagate: " .. vim.inspect(d))
  end
  rules[#rules + 1] = tostring(d.code)
end
io.stderr:write("nvim_example_test: " .. table.concat(rules, ", ") .. "\n")
vim.cmd("qall!")

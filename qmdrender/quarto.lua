-- Pandoc filter giving the fallback renderer Quarto's callouts and .qmd links.

local kinds = { note = true, tip = true, important = true, caution = true, warning = true }

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

function Div(el)
  for _, cls in ipairs(el.classes) do
    local kind = cls:match("^callout%-(%a+)$")
    if kind and kinds[kind] then
      local content = el.content
      local title = el.attributes["title"]
      if not title and #content > 0 and content[1].t == "Header" then
        title = pandoc.utils.stringify(content[1])
        content:remove(1)
      end
      title = escape(title or (kind:sub(1, 1):upper() .. kind:sub(2)))
      local collapse = el.attributes["collapse"]
      local open_tag, close_tag
      if collapse ~= nil then
        local open = (collapse == "false") and " open" or ""
        open_tag = '<details class="callout callout-' .. kind .. '"' .. open .. '><summary class="callout-title">'
          .. title .. '</summary><div class="callout-body">'
        close_tag = "</div></details>"
      else
        open_tag = '<div class="callout callout-' .. kind .. '"><div class="callout-title">' .. title
          .. '</div><div class="callout-body">'
        close_tag = "</div></div>"
      end
      local blocks = { pandoc.RawBlock("html", open_tag) }
      for _, b in ipairs(content) do table.insert(blocks, b) end
      table.insert(blocks, pandoc.RawBlock("html", close_tag))
      return blocks
    end
  end
end

function Link(el)
  if not el.target:match("^%a[%w+.-]*:") then
    el.target = el.target:gsub("%.qmd$", ".html"):gsub("%.qmd#", ".html#")
  end
  return el
end

-- Quarto's figure and table numbers and cross-references, for the fallback renderer.
--
-- Numbered: Figure elements with an id `fig-…` (`![Caption](x.png){#fig-x}`), Table elements with an id
-- `tbl-…` (`: Caption {#tbl-x}`), and Divs with such an id (Quarto's figure and table divs, and the cells
-- whose `#| label:` is one: the renderer writes those as a Div with class `qr-float` whose caption is a
-- child Div `qr-caption`; in a plain figure or table div the caption is the last paragraph).  Numbers follow
-- page order, one counter per kind.  `@fig-x`, `[@fig-x]`, `@Fig-x` become a link "Figure N" and `-@fig-x`
-- just "N".  This filter runs before citeproc, which would otherwise read them as citations; a reference to
-- a label the page does not define stops the build.

local KINDS = { fig = "Figure", tbl = "Table" }
local SEP = "\u{a0}"  -- Quarto joins "Figure" and its number with a no-break space

local numbers = {}  -- label -> number

local function kind_of(id)
  local kind = id and id:match("^(%a+)%-")
  if kind and KINDS[kind:lower()] then return kind:lower() end
  return nil
end

local function escape(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function has_class(el, name)
  for _, c in ipairs(el.classes) do if c == name then return true end end
  return false
end

local function is_float_div(div)
  return has_class(div, "qr-float") or kind_of(div.identifier) ~= nil
end

-- Pass 1: number every label in page order.
local function number_all(doc)
  local counters = { fig = 0, tbl = 0 }
  local function count(el)
    local kind = kind_of(el.identifier)
    if kind and numbers[el.identifier] == nil then
      counters[kind] = counters[kind] + 1
      numbers[el.identifier] = counters[kind]
    end
  end
  doc:walk({ traverse = "topdown", Figure = count, Table = count, Div = count })
end

local function label(id)
  local kind = kind_of(id)
  return KINDS[kind] .. SEP .. numbers[id]
end

-- "Figure N: " in front of a caption's inlines (no colon when there is no caption).
local function prefixed(id, inlines)
  if not numbers[id] then return inlines end
  local out = pandoc.Inlines({ pandoc.Str(label(id)) })
  if #inlines > 0 then
    out:insert(pandoc.Str(":"))
    out:insert(pandoc.Space())
    out:extend(inlines)
  end
  return out
end

local function caption_inlines(blocks)
  local inlines = pandoc.Inlines({})
  for i, b in ipairs(blocks) do
    if i > 1 then inlines:insert(pandoc.Space()) end
    if b.content then inlines:extend(b.content) end
  end
  return inlines
end

local function float_div(div)
  local kind = kind_of(div.identifier) or (has_class(div, "qr-tbl") and "tbl" or "fig")
  local content = pandoc.Blocks({})
  local caption = nil
  for _, b in ipairs(div.content) do
    if b.t == "Div" and has_class(b, "qr-caption") then caption = b.content else content:insert(b) end
  end
  if caption == nil and not has_class(div, "qr-float") and #content > 1 and content[#content].t == "Para" then
    caption = { content:remove(#content) }  -- a Quarto figure or table div: the last paragraph is its caption
  end
  local inlines = prefixed(div.identifier, caption_inlines(caption or {}))
  local id = div.identifier ~= "" and (' id="' .. escape(div.identifier) .. '"') or ""
  local open = '<figure class="figure quarto-float quarto-float-' .. kind .. '"' .. id .. '>'
  local cap = { pandoc.RawBlock("html", '<figcaption class="quarto-float-caption">'), pandoc.Plain(inlines),
                pandoc.RawBlock("html", "</figcaption>") }
  local out = pandoc.Blocks({ pandoc.RawBlock("html", open) })
  if #inlines == 0 then cap = {} end
  if kind == "tbl" then out:extend(cap) end  -- Quarto puts a table's caption above it
  out:extend(content)
  if kind == "fig" then out:extend(cap) end
  out:insert(pandoc.RawBlock("html", "</figure>"))
  return out
end

local function reference(citation)
  local id = citation.id
  local key = id:sub(1, 1):lower() .. id:sub(2)  -- @Fig-x is @fig-x with a capital
  if not numbers[key] then
    error("qmdrender: unknown cross-reference @" .. id .. ": no figure or table on this page has the label "
          .. key .. " (give a cell `#| label: " .. key .. "`, or fix the reference)", 0)
  end
  local text = label(key)
  if citation.mode == "SuppressAuthor" then text = tostring(numbers[key]) end
  return pandoc.Link({ pandoc.Str(text) }, "#" .. key, "", pandoc.Attr("", { "quarto-xref" }))
end

local function cite(el)
  local refs = 0
  for _, c in ipairs(el.citations) do if kind_of(c.id) then refs = refs + 1 end end
  if refs == 0 then return nil end
  if refs < #el.citations then
    error("qmdrender: a citation mixes cross-references and bibliography keys: "
          .. pandoc.utils.stringify(el.content) .. " (write them apart)", 0)
  end
  local out = pandoc.Inlines({})
  for i, c in ipairs(el.citations) do
    if i > 1 then out:extend({ pandoc.Str(","), pandoc.Space() }) end
    out:insert(reference(c))
  end
  return out
end

function Pandoc(doc)
  number_all(doc)
  return doc:walk({
    Cite = cite,
    Figure = function(fig)
      if numbers[fig.identifier] and #fig.caption.long > 0 and fig.caption.long[1].content then
        fig.caption.long[1].content = prefixed(fig.identifier, fig.caption.long[1].content)
      end
      fig.classes:insert("figure")
      return fig
    end,
    Table = function(tbl)
      if numbers[tbl.identifier] then
        local long = tbl.caption.long
        if #long > 0 and long[1].content then
          long[1].content = prefixed(tbl.identifier, long[1].content)
        else
          tbl.caption.long = { pandoc.Plain({ pandoc.Str(label(tbl.identifier)) }) }
        end
      end
      return tbl
    end,
    Div = function(div)
      if is_float_div(div) then return float_div(div) end
    end,
  })
end

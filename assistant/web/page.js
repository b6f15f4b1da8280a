/* The WiBB-assistent page script: runs in the page head, before Gradio's own scripts (an inline script: the
   Content-Security-Policy forbids the eval Gradio uses for `js=` options). window.WIBB holds its Dutch texts.

   - a new question scrolls to the top of the chat, so its answer is read from its first line;
   - a full text opened with a click comes into view;
   - links in an answer: a knop or casus opens beside the chat, [n] opens source n in the same bubble, "Zoek in
     de hele kennisbank" asks again; the click reaches the server through a hidden box;
   - "Exporteer als Markdown" downloads the open conversation, made in the browser (nothing on the server);
   - on a phone, a case page has a button that jumps to its question box;
   - controls that Gradio leaves unnamed or names in English get a Dutch name;
   - "Bericht kopiëren" copies the answer as it reads, not its Markdown. */
(function () {
  var T = window.WIBB || {};
  var lastUser = null, clicked = 0, shown = {}, pending = false;

  function follow() {
    var chat = document.querySelector('#wibb-chat'); if (!chat) return;
    var users = chat.querySelectorAll('.message-row.user-row, .user-row');
    var newest = users[users.length - 1];
    if (newest && newest !== lastUser) {
      var reopened = lastUser === null && users.length > 1;  // a conversation shown at page load
      lastUser = newest;
      var wrap = chat.querySelector('[role=log]');
      if (reopened && wrap) {  // its last question at the top of the chat, without moving the page
        wrap.scrollTop += newest.getBoundingClientRect().top - wrap.getBoundingClientRect().top;
      } else {
        newest.scrollIntoView({block: 'start'});
      }
    }
  }

  function reveal() {
    ['#wibb-doc', '#wibb-browse-doc', '#wibb-scoped-answer', '#wibb-eval-summary'].forEach(function (id) {
      var el = document.querySelector(id); if (!el) return;
      var text = el.textContent;
      var changed = shown[id] !== undefined && text !== shown[id];
      if (changed && Date.now() - clicked < 5000) el.scrollIntoView({block: 'start'});
      shown[id] = text;
    });
  }

  function name() {
    var box = document.querySelector('#wibb-vraag textarea');
    if (box && !box.getAttribute('aria-label')) box.setAttribute('aria-label', T.question || '');
    document.querySelectorAll('#wibb-chat button').forEach(function (b) {
      if (b.getAttribute('aria-label')) return;
      b.setAttribute('aria-label', (b.textContent || '').trim() || T.button || '');
    });
    var labels = T.labels || {};
    document.querySelectorAll('[aria-label], [title]').forEach(function (el) {
      ['aria-label', 'title'].forEach(function (attr) {
        var value = el.getAttribute(attr); if (!value) return;
        if (labels[value]) { el.setAttribute(attr, labels[value]); return; }
        (T.prefixes || []).forEach(function (pair) {
          if (value.indexOf(pair[0]) === 0) el.setAttribute(attr, pair[1] + readable(el, value.slice(pair[0].length)));
        });
      });
    });
  }

  // A message's label is its Markdown; a screen reader reads the text as shown instead.
  function readable(el, fallback) {
    var content = el.querySelector('.message-content');
    return content ? content.innerText.trim() : fallback;
  }

  function hidden(id, value) {
    var field = document.querySelector(id + ' textarea, ' + id + ' input');
    if (!field) return;
    field.value = value + ' ' + Date.now();  // the same link clicked twice is still a change
    field.dispatchEvent(new Event('input', {bubbles: true}));
  }

  function source(link, n) {
    var row = link.closest('.message-row') || link.closest('.prose') || document;
    var title = row.querySelector('.thought-group .title');
    if (title && !title.classList.contains('expanded')) title.click();
    setTimeout(function () {
      var wanted = '[' + n + ']';
      var found = Array.prototype.find.call(row.querySelectorAll('strong'), function (s) {
        return (s.textContent || '').trim().indexOf(wanted + ' ') === 0;
      });
      if (!found) return;
      var block = found.closest('p') || found;
      document.querySelectorAll('.wibb-source-shown').forEach(function (e) { e.classList.remove('wibb-source-shown'); });
      block.classList.add('wibb-source-shown');
      block.scrollIntoView({block: 'center'});
    }, 80);
  }

  function download() {
    var field = document.querySelector('#wibb-export-data textarea, #wibb-export-data input');
    if (!field || !field.value) { alert(T.nothing_to_export || ''); return; }
    var data = JSON.parse(field.value);
    var url = URL.createObjectURL(new Blob([data.tekst], {type: 'text/markdown;charset=utf-8'}));
    var a = document.createElement('a');
    a.href = url; a.download = data.naam; document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  function copied(button) {
    var row = button.closest('.message-row'); if (!row) return;
    var content = row.querySelector('.message-content');
    if (!content || !navigator.clipboard) return;
    var text = content.innerText.trim();
    // after Gradio's own copy (which writes the Markdown), so that its "copied" sign still shows
    setTimeout(function () { navigator.clipboard.writeText(text).catch(function () {}); }, 60);
  }

  document.addEventListener('click', function (event) {
    clicked = Date.now();
    var target = event.target;
    if (!target || !target.closest) return;
    var link = target.closest('a[href^="#wibb-"]');
    if (link) {
      var href = link.getAttribute('href');
      event.preventDefault(); event.stopPropagation();
      if (href.indexOf('#wibb-doc-') === 0) hidden('#wibb-open-doc', href.slice(10));
      else if (href.indexOf('#wibb-ruimer-') === 0) hidden('#wibb-widen', href.slice(13));
      else if (href.indexOf('#wibb-bron-') === 0) source(link, parseInt(href.slice(11), 10));
      return;
    }
    if (target.closest('#wibb-export')) { download(); return; }
    if (target.closest('#wibb-jump')) {
      var form = document.querySelector('#wibb-scoped');
      if (form) {
        form.scrollIntoView({block: 'start'});
        var box = form.querySelector('textarea'); if (box) box.focus({preventScroll: true});
      }
      return;
    }
    var copy = target.closest('#wibb-chat button[aria-label="' + (T.copy || '') + '"]');
    if (copy) copied(copy);
  }, true);

  // On a phone the jump button shows only while the question box is out of sight.
  var formInView = false;
  function watch() {
    var jump = document.querySelector('#wibb-jump');
    if (jump) jump.style.visibility = formInView ? 'hidden' : '';
    var form = document.querySelector('#wibb-scoped');
    if (!form || form.dataset.watched || !window.IntersectionObserver) return;
    form.dataset.watched = '1';
    new IntersectionObserver(function (entries) {
      formInView = entries[0].isIntersecting; watch();
    }).observe(form);
  }

  function update() {
    pending = false; follow(); reveal(); name(); watch();
  }

  function start() {
    new MutationObserver(function () {
      if (!pending) { pending = true; requestAnimationFrame(update); }
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();

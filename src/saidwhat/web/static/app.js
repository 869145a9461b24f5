// saidwhat: clicking (or pressing Enter on) a highlighted statement shows its details in the
// side panel. Plain script, no framework; the page works without it (the statements are also
// listed under the article).
(function () {
  "use strict";
  function show(index) {
    var source = document.getElementById("st-" + index);
    var body = document.getElementById("detail-body");
    if (!source || !body) return;
    body.replaceChildren(source.cloneNode(true));
    body.firstChild.removeAttribute("id");
    var marks = document.querySelectorAll("mark.st.selected");
    for (var i = 0; i < marks.length; i++) marks[i].classList.remove("selected");
    var chosen = document.querySelectorAll('mark.st[data-st="' + index + '"]');
    for (var j = 0; j < chosen.length; j++) chosen[j].classList.add("selected");
    var panel = document.getElementById("detail");
    if (panel) panel.classList.add("open");
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("a")) return;  // links (speakers, mentions) keep their meaning
    var mark = event.target.closest("mark.st");
    if (mark) show(mark.getAttribute("data-st"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var mark = event.target.closest && event.target.closest("mark.st");
    if (mark) { event.preventDefault(); show(mark.getAttribute("data-st")); }
  });
})();

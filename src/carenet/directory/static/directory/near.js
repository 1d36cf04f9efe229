/* "Use my location": fills the hidden lat/lon fields from the browser and ticks "nearest
   first". Optional: without JavaScript the chosen place is the starting point. */
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = button.form;
  var status = document.getElementById("location-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(5);
      form.elements.lon.value = pos.coords.longitude.toFixed(5);
      form.elements.near.checked = true;
      status.textContent = button.dataset.located;
    }, function () {
      status.textContent = button.dataset.failed;
    }, { maximumAge: 600000, timeout: 10000 });
  });
})();

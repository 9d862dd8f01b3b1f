/* Optional map for complaints. Without JavaScript the latitude/longitude inputs and the lists still work.
   Filing page (#map-point): "use my position" and "choose on the map" (Leaflet is loaded only then).
   Map page (#complaint-map): the listed complaints as markers. Tiles only if the server names a tile URL,
   else the commune outline. */
(function () {
  "use strict";

  function loadLeaflet(box, done) {
    if (window.L) { done(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = box.dataset.leafletCss;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = box.dataset.leafletJs;
    script.onload = done;
    document.body.appendChild(script);
  }

  function baseMap(element, box) {
    var map = L.map(element, { attributionControl: !!box.dataset.tiles });
    map.setView([7.18, 2.07], 11);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    fetch(box.dataset.outline).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (outline) {
      if (!outline) { return; }
      var layer = L.geoJSON(outline, { style: { color: "#2f6b4f", weight: 2, fillOpacity: 0.1 } }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
    return map;
  }

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "secondary";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function setupFiling(box) {
    var lat = box.querySelector("input[name=latitude]");
    var lng = box.querySelector("input[name=longitude]");
    var marker = null;
    function place(latitude, longitude) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
    }
    if (navigator.geolocation) {
      box.appendChild(button(box.dataset.labelLocate, function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          place(position.coords.latitude, position.coords.longitude);
        });
      }));
    }
    var open = button(box.dataset.labelMap, function () {
      open.disabled = true;
      loadLeaflet(box, function () {
        var element = document.createElement("div");
        element.className = "leaflet-box";
        box.appendChild(element);
        var map = baseMap(element, box);
        map.on("click", function (event) {
          place(event.latlng.lat, event.latlng.lng);
          if (marker) { marker.setLatLng(event.latlng); } else { marker = L.circleMarker(event.latlng).addTo(map); }
        });
      });
    });
    box.appendChild(open);
  }

  function setupPublicMap(box) {
    var map = baseMap(box, box);
    document.querySelectorAll("li[data-lat]").forEach(function (item) {
      var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lng)];
      var link = document.createElement("a");
      link.href = item.dataset.href;
      link.textContent = item.dataset.title;
      L.circleMarker(point, { color: "#9c2a00" }).bindPopup(link).addTo(map);
    });
  }

  var filing = document.getElementById("map-point");
  if (filing) { setupFiling(filing); }
  var publicMap = document.getElementById("complaint-map");
  if (publicMap && window.L) { setupPublicMap(publicMap); }
})();

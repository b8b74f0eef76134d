import { describe, expect, it } from 'vitest';
import { capLanguage, parseCapAlert } from '../../../src/announcements/cap-alert.js';
import { capRequestOf } from '../../../src/announcements/cap-intake.js';

/** The example from the OASIS CAP 1.2 specification (Appendix A.1), homeland security advisory. */
const OASIS_EXAMPLE = `<?xml version = "1.0" encoding = "UTF-8"?>
<alert xmlns = "urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>43b080713727</identifier>
  <sender>hsas@dhs.gov</sender>
  <sent>2003-04-02T14:39:01-05:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Security</category>
    <event>Homeland Security Advisory System Update</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <senderName>U.S. Government, Department of Homeland Security</senderName>
    <headline>Homeland Security Sets Code ORANGE</headline>
    <description>The Department of Homeland Security has elevated the Homeland Security Advisory System threat level to ORANGE / High in response to intelligence which may indicate a heightened threat of terrorism.</description>
    <instruction> A preliminary Department of Homeland Security Advisory will be issued.</instruction>
    <web>http://www.dhs.gov/dhspublic/display?theme=29</web>
    <parameter>
      <valueName>HSAS</valueName>
      <value>ORANGE</value>
    </parameter>
    <resource>
      <resourceDesc>Image file (GIF)</resourceDesc>
      <mimeType>image/gif</mimeType>
      <uri>http://www.dhs.gov/dhspublic/getAdvisoryImage</uri>
    </resource>
    <area>
      <areaDesc>U.S. nationwide and interests worldwide</areaDesc>
    </area>
  </info>
</alert>`;

describe('CAP 1.2 parsing', () => {
  it('reads the OASIS specification example', () => {
    const alert = parseCapAlert(OASIS_EXAMPLE);
    expect(alert).toMatchObject({
      identifier: '43b080713727',
      sender: 'hsas@dhs.gov',
      sent: '2003-04-02T19:39:01.000Z',
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      references: [],
    });
    expect(alert.infos).toHaveLength(1);
    expect(alert.infos[0]).toMatchObject({
      language: 'en',
      headline: 'Homeland Security Sets Code ORANGE',
      expires: null,
      areas: [{ areaDesc: 'U.S. nationwide and interests worldwide', geocodes: [] }],
    });
  });

  it('maps it to a text for the sender’s whole scope when no area names a gate', () => {
    const request = capRequestOf(parseCapAlert(OASIS_EXAMPLE), new Set(['cat-bi']), ['cat-bi', 'port']);
    expect(request).toMatchObject({
      title: { en: 'Homeland Security Sets Code ORANGE' },
      targets: { gates: ['cat-bi', 'port'] },
      template: null,
      expiresAt: null,
    });
    expect(request.body.en).toContain('threat level to ORANGE');
  });

  it('maps CAP language tags to the gates’ tags', () => {
    expect(capLanguage('vi-VN')).toBe('vi');
    expect(capLanguage('en-US')).toBe('en');
    expect(capLanguage('zh-CN')).toBe('zh-Hans');
    expect(capLanguage('zh-TW')).toBe('zh-Hant');
    expect(capLanguage('km')).toBe('km');
    expect(() => capLanguage('123')).toThrow(/not a language tag/);
  });

  it('reads references of a Cancel and refuses malformed ones', () => {
    const cancel = OASIS_EXAMPLE.replace('<msgType>Alert</msgType>', '<msgType>Cancel</msgType>').replace(
      '<scope>Public</scope>',
      '<scope>Public</scope><references>hsas@dhs.gov,43b080713727,2003-04-02T14:39:01-05:00</references>',
    );
    expect(parseCapAlert(cancel).references).toEqual([
      { sender: 'hsas@dhs.gov', identifier: '43b080713727', sent: '2003-04-02T14:39:01-05:00' },
    ]);
    expect(() => parseCapAlert(cancel.replace(',43b080713727,', ','))).toThrow(/triples/);
  });

  it('decodes predefined entities but refuses any DOCTYPE, so nothing can be expanded', () => {
    const amp = OASIS_EXAMPLE.replace('Code ORANGE</headline>', 'Code ORANGE &amp; more &#x1EA1;</headline>');
    expect(parseCapAlert(amp).infos[0]?.headline).toBe('Homeland Security Sets Code ORANGE & more ạ');
    const external = OASIS_EXAMPLE.replace(
      '<alert',
      '<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert',
    ).replace('<event>Homeland', '<event>&xxe;Homeland');
    expect(() => parseCapAlert(external)).toThrow(/DOCTYPE/);
  });

  it('names the element that is missing', () => {
    expect(() => parseCapAlert(OASIS_EXAMPLE.replace('<identifier>43b080713727</identifier>', ''))).toThrow(
      /<alert> needs a non-empty <identifier>/,
    );
    expect(() => parseCapAlert(OASIS_EXAMPLE.replace('<category>Security</category>', ''))).toThrow(
      /<category>/,
    );
    expect(() => parseCapAlert(OASIS_EXAMPLE.replace(/<areaDesc>.*<\/areaDesc>/, ''))).toThrow(/<areaDesc>/);
    expect(() => parseCapAlert('<html xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>')).toThrow(
      /root element/,
    );
  });
});

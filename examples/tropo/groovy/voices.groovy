def voices = [['Karen','Australian'], ['Lee','Australian'], ['Veena','Indian'], ['Moira','Irish'],
              ['Fiona','Scottish'], ['Tessa','South African'], ['Kate','UK'], ['Serena','UK'],
              ['Daniel','UK'], ['Oliver','UK'], ['Allison','USA'], ['Ava','USA'], ['Evelyn','USA'],
              ['Samantha','USA'], ['Susan','USA'], ['Zoe','USA'], ['Tom','USA'], ['Victor','USA']]
voices.each { v -> say("Hello, how are you today? My name is ${v[0]} and I speak ${v[1]} English.", [voice: v[0]]) }
def theVoice = 'Daniel'
ask("What color dress do you want? Choose from black, red, blue or green.", [
    choices: "black, red, blue, green", timeout: 10.0,
    onChoice: { event -> say("Then you should get a $event.value dress! I'll text you a link.", [voice: theVoice]) },
    onBadChoice: { event -> say("I didn't understand.", [voice: theVoice]) },
    voice: theVoice])
